namespace Foundation.Auth.Sessions;

/// <summary>An active session as the session list shows it.</summary>
/// <param name="Id">The session id.</param>
/// <param name="Device">Browser, operating system and device type, as parsed at login.</param>
/// <param name="IpAddress">The client address at login.</param>
/// <param name="CreatedAt">When the session began.</param>
/// <param name="LastSeenAt">When it was last used.</param>
/// <param name="ExpiresAt">When it ends unless refreshed.</param>
/// <param name="IsCurrent">Whether it is the session of the caller's token.</param>
public sealed record SessionInfo(
    Guid Id,
    DeviceInfo Device,
    string? IpAddress,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastSeenAt,
    DateTimeOffset ExpiresAt,
    bool IsCurrent);

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

/// <summary>Why a session was revoked (<c>auth_sessions.revoked_reason</c>).</summary>
public static class SessionRevocationReasons
{
    /// <summary>The user logged out of this session.</summary>
    public const string Logout = "logout";

    /// <summary>The user (or an admin) revoked it from the session list.</summary>
    public const string Revoked = "revoked";

    /// <summary>The password changed.</summary>
    public const string PasswordChanged = "password-changed";

    /// <summary>The user was disabled.</summary>
    public const string UserDisabled = "user-disabled";

    /// <summary>A used refresh token of the family was presented again (likely theft).</summary>
    public const string RefreshTokenReuse = "refresh-token-reuse";
}
