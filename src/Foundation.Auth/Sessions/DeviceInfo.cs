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
