namespace Foundation.Auth.Totp;

/// <summary>What a started setup shows the user: the secret to type in, or the QR code to scan.</summary>
/// <param name="Secret">The secret in Base32, for typing into an authenticator app.</param>
/// <param name="OtpAuthUri">The <c>otpauth://totp/</c> URI of the key.</param>
/// <param name="QrCodePngDataUri">The QR code of <paramref name="OtpAuthUri"/> as a <c>data:image/png;base64,</c> URI.</param>
/// <param name="QrCodeSvg">The QR code of <paramref name="OtpAuthUri"/> as an SVG document.</param>
/// <param name="ExpiresAt">When the setup can no longer be confirmed.</param>
public sealed record TotpSetup(string Secret, string OtpAuthUri, string QrCodePngDataUri, string QrCodeSvg, DateTimeOffset ExpiresAt);

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

/// <summary>The two-factor state of a user.</summary>
/// <param name="Enabled">Whether TOTP is enabled.</param>
/// <param name="PendingSetup">Whether a setup is started and not yet confirmed (nor expired).</param>
/// <param name="EnabledSince">When TOTP was enabled.</param>
/// <param name="RecoveryCodesLeft">How many unused recovery codes the user has.</param>
public sealed record TotpStatus(bool Enabled, bool PendingSetup, DateTimeOffset? EnabledSince, int RecoveryCodesLeft)
{
    /// <summary>Whether the user should generate new recovery codes (2 or fewer left while enabled).</summary>
    public bool RecoveryCodesLow => Enabled && RecoveryCodesLeft <= TotpVerificationResult.LowRecoveryCodesThreshold;
}

/// <summary>A trusted ("remembered") device as the user sees it; never its token.</summary>
/// <param name="Id">The id, for revoking it.</param>
/// <param name="Name">The name sent when it was trusted, or one derived from its user agent.</param>
/// <param name="CreatedAt">When it was trusted.</param>
/// <param name="LastUsedAt">When it last skipped the second factor.</param>
/// <param name="ExpiresAt">When the trust ends.</param>
public sealed record TotpTrustedDevice(Guid Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset ExpiresAt);

/// <summary>A newly trusted device and its token: the token is shown this once and stored only as a hash.</summary>
/// <param name="Token">The device token (<c>fnd_dev_</c> and 43 base64url characters) the client sends at login.</param>
/// <param name="Device">The device.</param>
public sealed record TotpTrustedDeviceGrant(string Token, TotpTrustedDevice Device);
