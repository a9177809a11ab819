namespace Foundation.Auth.Totp;

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
