namespace Foundation.Auth.Sessions;

/// <summary>A user's active sessions in numbers.</summary>
/// <param name="ActiveSessions">How many sessions are neither revoked nor expired.</param>
/// <param name="ByDeviceType">Active sessions per device type (<see cref="DeviceTypes"/>).</param>
/// <param name="ByBrowser">Active sessions per browser family, without version (<c>Chrome</c>, <c>Firefox</c>, <c>unknown</c>).</param>
/// <param name="ByOperatingSystem">Active sessions per operating system family, without version (<c>Android</c>, <c>Windows</c>, <c>unknown</c>).</param>
/// <param name="LastActivityAt">The latest use of any active session, if there is one.</param>
public sealed record SessionStats(
    int ActiveSessions,
    IReadOnlyDictionary<string, int> ByDeviceType,
    IReadOnlyDictionary<string, int> ByBrowser,
    IReadOnlyDictionary<string, int> ByOperatingSystem,
    DateTimeOffset? LastActivityAt);
