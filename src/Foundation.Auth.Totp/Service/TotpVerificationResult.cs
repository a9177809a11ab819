namespace Foundation.Auth.Totp;

/// <summary>Why a code was refused.</summary>
public enum TotpRefusalReason
{
    /// <summary>Not refused.</summary>
    None = 0,

    /// <summary>The code is wrong, or the recovery code is wrong or already used.</summary>
    Invalid = 1,

    /// <summary>The code's time step was already accepted (or a later one was).</summary>
    Replayed = 2,

    /// <summary>Too many failed codes: attempts are refused until the block ends.</summary>
    Blocked = 3,

    /// <summary>The user has no enabled enrolment (any more).</summary>
    NotEnrolled = 4,
}

/// <summary>The answer to a second-factor verification.</summary>
/// <param name="Accepted">Whether the code was accepted.</param>
/// <param name="Reason">Why it was refused; <see cref="TotpRefusalReason.None"/> when accepted.</param>
/// <param name="RecoveryCodesLeft">How many unused recovery codes the user has.</param>
/// <param name="UsedRecoveryCode">Whether a recovery code was spent.</param>
/// <param name="BlockedUntil">Until when attempts are refused, when blocked.</param>
public sealed record TotpVerificationResult(bool Accepted, TotpRefusalReason Reason, int RecoveryCodesLeft, bool UsedRecoveryCode, DateTimeOffset? BlockedUntil)
{
    /// <summary>At or below this many recovery codes left, the answer warns.</summary>
    public const int LowRecoveryCodesThreshold = 2;

    /// <summary>Whether the user should generate new recovery codes (<see cref="LowRecoveryCodesThreshold"/> or fewer left).</summary>
    public bool RecoveryCodesLow => RecoveryCodesLeft <= LowRecoveryCodesThreshold;
}
