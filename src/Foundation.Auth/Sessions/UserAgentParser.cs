using System.Globalization;

namespace Foundation.Auth.Sessions;

/// <summary>
/// A compact User-Agent parser for the session list: the common browsers, HTTP clients and operating systems, by
/// ordinal substring search on the span (no regular expressions; it allocates only the strings it returns).
/// It reports what the agent claims; it is for display and statistics, never for a security decision.
/// </summary>
public static class UserAgentParser
{
    /// <summary>The longest User-Agent examined; longer ones are cut (sessions store at most 512 characters).</summary>
    public const int MaxLength = 512;

    // Order matters: Chromium-based browsers also say "Chrome/" and "Safari/", so the specific tokens come first.
    private static readonly (string Token, string Name)[] Browsers =
    [
        ("Edg/", "Edge"), ("EdgA/", "Edge"), ("EdgiOS/", "Edge"), ("Edge/", "Edge"),
        ("OPR/", "Opera"), ("OPiOS/", "Opera"), ("Opera/", "Opera"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("YaBrowser/", "Yandex Browser"),
        ("Vivaldi/", "Vivaldi"),
        ("Firefox/", "Firefox"), ("FxiOS/", "Firefox"),
        ("CriOS/", "Chrome"), ("Chromium/", "Chromium"), ("Chrome/", "Chrome"),
    ];

    private static readonly (string Token, string Name)[] Clients =
    [
        ("curl/", "curl"), ("Wget/", "Wget"), ("okhttp/", "okhttp"), ("python-requests/", "python-requests"),
        ("python-httpx/", "python-httpx"), ("aiohttp/", "aiohttp"), ("PostmanRuntime/", "PostmanRuntime"),
        ("insomnia/", "Insomnia"), ("axios/", "axios"), ("node-fetch/", "node-fetch"), ("undici", "undici"),
        ("Go-http-client/", "Go-http-client"), ("Java/", "Java"), ("Apache-HttpClient/", "Apache-HttpClient"),
        ("Dart/", "Dart"), ("HTTPie/", "HTTPie"), ("libwww-perl/", "libwww-perl"),
    ];

    private static readonly string[] BotTokens = ["bot", "crawler", "spider", "slurp", "facebookexternalhit", "headlesschrome"];

    /// <summary>Parses <paramref name="userAgent"/>; <see cref="DeviceInfo.Unknown"/> for null, empty or unrecognised input.</summary>
    public static DeviceInfo Parse(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return DeviceInfo.Unknown;
        }

        var ua = userAgent.AsSpan();
        if (ua.Length > MaxLength)
        {
            ua = ua[..MaxLength];
        }

        var os = ParseOperatingSystem(ua, out var osFamily);
        var browser = ParseBrowser(ua, out var isClient);

        string deviceType;
        if (ContainsAny(ua, BotTokens))
        {
            deviceType = DeviceTypes.Bot;
        }
        else if (ua.Contains("iPad", StringComparison.Ordinal) || ua.Contains("Tablet", StringComparison.Ordinal)
            || (osFamily == OsFamily.Android && !ua.Contains("Mobile", StringComparison.Ordinal)))
        {
            deviceType = DeviceTypes.Tablet;
        }
        else if (ua.Contains("Mobi", StringComparison.Ordinal) || ua.Contains("iPhone", StringComparison.Ordinal) || osFamily == OsFamily.Android)
        {
            deviceType = DeviceTypes.Mobile;
        }
        else if (osFamily == OsFamily.Desktop && !isClient)
        {
            deviceType = DeviceTypes.Desktop;
        }
        else
        {
            deviceType = DeviceTypes.Other;
        }

        return browser is null && os is null && ReferenceEquals(deviceType, DeviceTypes.Other)
            ? DeviceInfo.Unknown
            : new DeviceInfo(browser, os, deviceType);
    }

    private enum OsFamily
    {
        None,
        Desktop,
        Android,
        Apple,
    }

    private static string? ParseBrowser(ReadOnlySpan<char> ua, out bool isClient)
    {
        isClient = false;
        foreach (var (token, name) in Browsers)
        {
            var at = ua.IndexOf(token, StringComparison.Ordinal);
            if (at >= 0)
            {
                return WithMajor(name, ua[(at + token.Length)..]);
            }
        }

        // Safari says "Version/17.1 ... Safari/605.1.15"; the version that matters is the one after "Version/".
        if (ua.Contains("Safari/", StringComparison.Ordinal) && !ua.Contains("Android", StringComparison.Ordinal))
        {
            var at = ua.IndexOf("Version/", StringComparison.Ordinal);
            return at >= 0 ? WithMajor("Safari", ua[(at + "Version/".Length)..]) : "Safari";
        }

        if (ua.Contains("Trident/", StringComparison.Ordinal) || ua.Contains("MSIE ", StringComparison.Ordinal))
        {
            return "Internet Explorer";
        }

        foreach (var (token, name) in Clients)
        {
            var at = ua.IndexOf(token, StringComparison.OrdinalIgnoreCase);
            if (at >= 0)
            {
                isClient = true;
                var rest = ua[(at + token.Length)..];
                return token[^1] == '/' ? WithMajor(name, rest) : name;
            }
        }

        return null;
    }

    private static string? ParseOperatingSystem(ReadOnlySpan<char> ua, out OsFamily family)
    {
        family = OsFamily.Apple;
        if (ua.Contains("iPhone", StringComparison.Ordinal) || ua.Contains("iPod", StringComparison.Ordinal))
        {
            return WithMajor("iOS", AfterToken(ua, " OS "));
        }

        if (ua.Contains("iPad", StringComparison.Ordinal))
        {
            return WithMajor("iPadOS", AfterToken(ua, " OS "));
        }

        family = OsFamily.Android;
        var android = ua.IndexOf("Android", StringComparison.Ordinal);
        if (android >= 0)
        {
            var rest = ua[(android + "Android".Length)..].TrimStart(' ');
            return WithMajor("Android", rest);
        }

        family = OsFamily.Desktop;
        if (ua.Contains("Windows", StringComparison.Ordinal))
        {
            return "Windows";
        }

        if (ua.Contains("CrOS", StringComparison.Ordinal))
        {
            return "ChromeOS";
        }

        if (ua.Contains("Macintosh", StringComparison.Ordinal) || ua.Contains("Mac OS X", StringComparison.Ordinal))
        {
            return "macOS";
        }

        if (ua.Contains("Linux", StringComparison.Ordinal) || ua.Contains("X11", StringComparison.Ordinal))
        {
            return "Linux";
        }

        family = OsFamily.None;
        return null;
    }

    private static ReadOnlySpan<char> AfterToken(ReadOnlySpan<char> ua, string token)
    {
        var at = ua.IndexOf(token, StringComparison.Ordinal);
        return at >= 0 ? ua[(at + token.Length)..] : [];
    }

    /// <summary>"Chrome" and "131.0.0.0" give "Chrome 131"; without leading digits just the name.</summary>
    private static string WithMajor(string name, ReadOnlySpan<char> version)
    {
        var digits = 0;
        while (digits < version.Length && digits < 6 && char.IsAsciiDigit(version[digits]))
        {
            digits++;
        }

        if (digits == 0)
        {
            return name;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{name} {version[..digits]}");
    }

    private static bool ContainsAny(ReadOnlySpan<char> ua, string[] tokens)
    {
        foreach (var token in tokens)
        {
            if (ua.Contains(token, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
