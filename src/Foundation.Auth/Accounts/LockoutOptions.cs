namespace Foundation.Auth;

/// <summary>Lockout after consecutive failed logins, bound from <c>Foundation:Auth:Lockout</c>.</summary>
public sealed class LockoutOptions
{
    /// <summary>Consecutive failures that lock the account. Default 5.</summary>
    public int MaxFailedAttempts { get; set; } = 5;

    /// <summary>How long a lockout lasts, in minutes. Default 15.</summary>
    public int DurationMinutes { get; set; } = 15;
}
