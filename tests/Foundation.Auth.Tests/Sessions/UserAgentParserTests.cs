using Foundation.Auth.Sessions;

namespace Foundation.Auth.Tests.Sessions;

public class UserAgentParserTests
{
    public static TheoryData<string, string?, string?, string> Agents => new()
    {
        // Desktop browsers
        { "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome 131", "Windows", "desktop" },
        { "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86", "Edge 131", "Windows", "desktop" },
        { "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox 133", "Windows", "desktop" },
        { "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0", "Opera 115", "Windows", "desktop" },
        { "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", "Safari 18", "macOS", "desktop" },
        { "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome 131", "macOS", "desktop" },
        { "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:132.0) Gecko/20100101 Firefox/132.0", "Firefox 132", "macOS", "desktop" },
        { "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome 131", "Linux", "desktop" },
        { "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox 133", "Linux", "desktop" },
        { "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome 131", "ChromeOS", "desktop" },
        { "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 YaBrowser/24.10.0.0 Safari/537.36", "Yandex Browser 24", "Windows", "desktop" },
        { "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko", "Internet Explorer", "Windows", "desktop" },

        // Phones
        { "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1", "Safari 17", "iOS 17", "mobile" },
        { "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1", "Chrome 131", "iOS 18", "mobile" },
        { "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/133.0 Mobile/15E148 Safari/605.1.15", "Firefox 133", "iOS 18", "mobile" },
        { "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 EdgiOS/131.2903.68 Mobile/15E148 Safari/605.1.15", "Edge 131", "iOS 18", "mobile" },
        { "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36", "Chrome 131", "Android 14", "mobile" },
        { "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36", "Samsung Internet 26", "Android 14", "mobile" },
        { "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0", "Firefox 133", "Android 14", "mobile" },
        { "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 EdgA/131.0.0.0", "Edge 131", "Android 10", "mobile" },
        { "Mozilla/5.0 (Linux; Android 13; SM-A536B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 OPR/86.0.0.0", "Opera 86", "Android 13", "mobile" },

        // Tablets
        { "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1", "Safari 17", "iPadOS 17", "tablet" },
        { "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome 131", "Android 13", "tablet" },

        // Bots
        { "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", null, null, "bot" },
        { "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36", "Chrome 116", null, "bot" },

        // HTTP clients and tools
        { "curl/8.5.0", "curl 8", null, "other" },
        { "okhttp/4.12.0", "okhttp 4", null, "other" },
        { "python-requests/2.32.3", "python-requests 2", null, "other" },
        { "PostmanRuntime/7.42.0", "PostmanRuntime 7", null, "other" },
        { "Go-http-client/2.0", "Go-http-client 2", null, "other" },
        { "Wget/1.21.4", "Wget 1", null, "other" },
        { "axios/1.7.7", "axios 1", null, "other" },
    };

    [Theory]
    [MemberData(nameof(Agents))]
    public void Parses_real_user_agents(string userAgent, string? browser, string? os, string deviceType)
    {
        UserAgentParser.Parse(userAgent).ShouldBe(new DeviceInfo(browser, os, deviceType));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("something/odd")]
    [InlineData("Mozilla/5.0")]
    public void Unknown_or_empty_is_unknown(string? userAgent)
    {
        UserAgentParser.Parse(userAgent).ShouldBe(DeviceInfo.Unknown);
    }

    [Fact]
    public void A_huge_user_agent_is_cut_not_scanned_in_full()
    {
        var huge = new string('A', 100_000) + " Chrome/131.0";
        UserAgentParser.Parse(huge).ShouldBe(DeviceInfo.Unknown);
    }
}
