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
