using Foundation.Auth.Totp.Otp;

namespace Foundation.Auth.Totp.Storage;

/// <summary>Where an enrolment stands.</summary>
public enum TotpEnrollmentStatus
{
    /// <summary>Setup started; the user has not confirmed a code yet. Stored as <c>pending</c>.</summary>
    Pending = 0,

    /// <summary>Confirmed: the user must pass TOTP at login. Stored as <c>enabled</c>.</summary>
    Enabled = 1,
}

/// <summary>A row of <c>totp_enrollments</c>: one per user.</summary>
public sealed class TotpEnrollmentRecord
{
    /// <summary>The user (primary key).</summary>
    public Guid UserId { get; set; }

    /// <summary>The user's tenant.</summary>
    public string TenantId { get; set; } = string.Empty;

    /// <summary>The Base32 secret, encrypted with the secret protector (purpose <c>Foundation.Auth.Totp.Secrets</c>).</summary>
    public string ProtectedSecret { get; set; } = string.Empty;

    /// <summary>The HMAC hash function.</summary>
    public TotpAlgorithm Algorithm { get; set; }

    /// <summary>The number of digits.</summary>
    public int Digits { get; set; }

    /// <summary>The period in seconds.</summary>
    public int PeriodSeconds { get; set; }

    /// <summary>Pending or enabled.</summary>
    public TotpEnrollmentStatus Status { get; set; }

    /// <summary>When the setup started.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When a pending setup can no longer be confirmed; <see langword="null"/> once enabled.</summary>
    public DateTimeOffset? PendingExpiresAt { get; set; }

    /// <summary>When the enrolment was enabled.</summary>
    public DateTimeOffset? EnabledAt { get; set; }

    /// <summary>The last time step accepted: no step at or before it is accepted again.</summary>
    public long? LastUsedTimeStep { get; set; }

    /// <summary>Failed codes counted in the current failure window.</summary>
    public int FailedCount { get; set; }

    /// <summary>When the current failure window started.</summary>
    public DateTimeOffset? FailureWindowStartedAt { get; set; }

    /// <summary>Until when second-factor attempts are refused.</summary>
    public DateTimeOffset? BlockedUntil { get; set; }
}
