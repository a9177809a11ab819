using Foundation.Auth.Accounts;

namespace Foundation.Auth.Totp;

/// <summary>The outcome of <see cref="TwoFactorLoginService.CompleteLoginAsync"/>.</summary>
/// <param name="Verification">The code check: when not <see cref="TotpVerificationResult.Accepted"/>, nothing else happened.</param>
/// <param name="Tokens">The new session's tokens, when the code was accepted.</param>
/// <param name="TrustedDevice">The remembered device and its token (shown this once), when asked for.</param>
public sealed record TwoFactorLoginResult(TotpVerificationResult Verification, TokenPair? Tokens, TotpTrustedDeviceGrant? TrustedDevice)
{
    /// <summary>Whether the login completed (<see cref="Tokens"/> is set).</summary>
    public bool Succeeded => Tokens is not null;
}
