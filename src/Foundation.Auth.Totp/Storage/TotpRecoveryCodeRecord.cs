namespace Foundation.Auth.Totp.Storage;

/// <summary>A row of <c>totp_recovery_codes</c>: a hashed, single-use recovery code.</summary>
public sealed class TotpRecoveryCodeRecord
{
    /// <summary>The id.</summary>
    public Guid Id { get; set; }

    /// <summary>The user the code belongs to.</summary>
    public Guid UserId { get; set; }

    /// <summary>The SHA-256 of the normalised code, lower-case hex.</summary>
    public string CodeHash { get; set; } = string.Empty;

    /// <summary>When the code was used; <see langword="null"/> while it is unused.</summary>
    public DateTimeOffset? UsedAt { get; set; }
}
