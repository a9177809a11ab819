using Foundation.Auth.Accounts;

namespace Foundation.Auth.Totp;

/// <summary>
/// The second step of a login with TOTP, and the step-up verification of a signed-in user: one place that checks the
/// challenge, the code, starts the session and trusts the device, so every host (HTTP or not) gets the same order of
/// checks. Nothing changes on bad input: the device name is checked first, a used or expired challenge is refused before
/// the code is spent.
/// </summary>
public sealed class TwoFactorLoginService
{
    private readonly AccountService _accounts;
    private readonly TotpService _totp;

    /// <summary>Creates the service.</summary>
    public TwoFactorLoginService(AccountService accounts, TotpService totp)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentNullException.ThrowIfNull(totp);
        _accounts = accounts;
        _totp = totp;
    }

    /// <summary>
    /// Completes the login of <paramref name="request"/>'s challenge: checks the code (or recovery code) of the challenged
    /// user, starts the session (at most once per challenge) and, with <see cref="TwoFactorLoginRequest.RememberDevice"/>,
    /// trusts the device. A refused code is a result (<see cref="TwoFactorLoginResult.Succeeded"/> false, with the reason
    /// and any block), not an exception.
    /// </summary>
    /// <exception cref="AuthValidationException">The device name is unusable (field <c>deviceName</c>), or neither or both of code and recovery code were given, or the input cannot be a code.</exception>
    /// <exception cref="AuthenticationFailedException">The challenge is invalid, expired or already used, or the user can no longer sign in.</exception>
    /// <exception cref="TotpNotEnrolledException">The user has no TOTP (any more).</exception>
    public async Task<TwoFactorLoginResult> CompleteLoginAsync(TwoFactorLoginRequest request, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);

        // Bad input is refused before any code is checked, so nothing changes.
        var deviceName = TotpService.ValidateDeviceName(request.DeviceName);

        // A challenge that already completed a login is refused before the code is spent.
        var userId = await _accounts.ReadUnusedChallengeAsync(request.ChallengeToken, cancellationToken).ConfigureAwait(false)
            ?? throw new AuthenticationFailedException("The second-factor challenge is invalid, has expired or was already used; sign in again.");
        var verification = await _totp.VerifyAsync(userId, request.Code, request.RecoveryCode, cancellationToken).ConfigureAwait(false);
        if (!verification.Accepted)
        {
            return new TwoFactorLoginResult(verification, null, null);
        }

        var tokens = await _accounts.CompleteSecondFactorAsync(request.ChallengeToken, TotpSecondFactorProvider.FactorName, client, cancellationToken).ConfigureAwait(false);
        var device = request.RememberDevice
            ? await _totp.TrustDeviceAsync(userId, deviceName, client.UserAgent, cancellationToken).ConfigureAwait(false)
            : null;
        return new TwoFactorLoginResult(verification, tokens, device);
    }

    /// <summary>
    /// A step-up verification of a signed-in user: checks the code (or recovery code) and records the time in the session,
    /// so <c>RequireSecondFactor(...)</c> endpoints admit it for their window. A refused code is a result, not an exception.
    /// </summary>
    /// <exception cref="AuthValidationException">Neither or both of code and recovery code were given, or the input cannot be a code.</exception>
    /// <exception cref="AuthenticationFailedException">The session has ended.</exception>
    /// <exception cref="TotpNotEnrolledException">The user has no TOTP.</exception>
    public async Task<TotpVerificationResult> StepUpAsync(Guid userId, Guid sessionId, string? code, string? recoveryCode, CancellationToken cancellationToken = default)
    {
        var verification = await _totp.VerifyAsync(userId, code, recoveryCode, cancellationToken).ConfigureAwait(false);
        if (verification.Accepted && !await _accounts.MarkSecondFactorVerifiedAsync(userId, sessionId, cancellationToken).ConfigureAwait(false))
        {
            throw new AuthenticationFailedException("The current session has ended; sign in again.");
        }

        return verification;
    }
}
