namespace Foundation.Auth.Totp;

/// <summary>Completes a login that answered a second-factor challenge: <see cref="TwoFactorLoginService.CompleteLoginAsync"/>.</summary>
/// <param name="ChallengeToken">The challenge token of the login answer.</param>
/// <param name="Code">A code from the authenticator app.</param>
/// <param name="RecoveryCode">A recovery code, instead of <paramref name="Code"/>.</param>
/// <param name="RememberDevice">Trust this device, so logins from it skip the code.</param>
/// <param name="DeviceName">A name for the remembered device; by default one derived from the User-Agent.</param>
public sealed record TwoFactorLoginRequest(string? ChallengeToken, string? Code, string? RecoveryCode, bool RememberDevice = false, string? DeviceName = null);
