namespace Foundation.Auth;

/// <summary>Sessions, bound from <c>Foundation:Auth:Sessions</c>.</summary>
public sealed class SessionOptions
{
    /// <summary>How often expired sessions are removed, in minutes. Default 60.</summary>
    public int CleanupIntervalMinutes { get; set; } = 60;

    /// <summary>How long revoked or expired sessions are kept (for the session list and audits), in days. Default 30.</summary>
    public int RetentionDays { get; set; } = 30;
}
