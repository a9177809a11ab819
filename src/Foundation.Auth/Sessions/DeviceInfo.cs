namespace Foundation.Auth.Sessions;

/// <summary>What a User-Agent says about the client: browser, operating system and kind of device.</summary>
/// <param name="Browser">The browser or HTTP client with its major version, such as <c>Chrome 131</c> or <c>curl 8</c>; <see langword="null"/> when unknown.</param>
/// <param name="OperatingSystem">The operating system, such as <c>Windows</c>, <c>macOS</c>, <c>iOS 17</c> or <c>Android 14</c>; <see langword="null"/> when unknown.</param>
/// <param name="DeviceType">One of <see cref="DeviceTypes"/>.</param>
public sealed record DeviceInfo(string? Browser, string? OperatingSystem, string DeviceType)
{
    /// <summary>Nothing known: no User-Agent, or one not recognised.</summary>
    public static DeviceInfo Unknown { get; } = new(null, null, DeviceTypes.Other);
}

/// <summary>The kinds of device a session can come from.</summary>
public static class DeviceTypes
{
    /// <summary>A desktop or laptop computer.</summary>
    public const string Desktop = "desktop";

    /// <summary>A phone.</summary>
    public const string Mobile = "mobile";

    /// <summary>A tablet.</summary>
    public const string Tablet = "tablet";

    /// <summary>A crawler or other automated agent that says it is one.</summary>
    public const string Bot = "bot";

    /// <summary>Anything else: HTTP libraries and command-line clients, or unknown.</summary>
    public const string Other = "other";
}
