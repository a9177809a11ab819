namespace Foundation.Auth.Totp.Storage;

/// <summary>
/// A row of <c>totp_trusted_devices</c>: a device on which the user chose "remember this device", so login skips the
/// second factor there until <see cref="ExpiresAt"/>. Only the SHA-256 of the device token is stored. Revoking deletes the
/// row; so does disabling TOTP (the rows cascade with the enrolment).
/// </summary>
public sealed class TotpTrustedDeviceRecord
{
    /// <summary>The id (a version 7 GUID), shown in the status and used to revoke the device.</summary>
    public Guid Id { get; set; }

    /// <summary>The user the device is trusted for.</summary>
    public Guid UserId { get; set; }

    /// <summary>The user's tenant.</summary>
    public string TenantId { get; set; } = string.Empty;

    /// <summary>The SHA-256 of the device token, lower-case hex.</summary>
    public string TokenHash { get; set; } = string.Empty;

    /// <summary>A name for the user: the one sent with the verification, or one derived from the user agent.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The user agent of the verification that trusted the device, cut to 512 characters.</summary>
    public string? UserAgent { get; set; }

    /// <summary>When the device was trusted.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the device last skipped the second factor.</summary>
    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>When the trust ends.</summary>
    public DateTimeOffset ExpiresAt { get; set; }
}
