namespace Foundation.Auth.SecondFactor;

/// <summary>
/// The extension point for a second factor (Foundation.Auth.Totp implements it; Auth never references it).
/// When a provider says a user needs a second factor, login answers with a challenge instead of tokens; the
/// provider's own endpoint verifies the factor and calls <c>AccountService.CompleteSecondFactorAsync</c>.
/// </summary>
public interface ISecondFactorProvider
{
    /// <summary>A short name of the factor, such as <c>totp</c>.</summary>
    string Name { get; }

    /// <summary>Whether <paramref name="userId"/> must pass this factor at login (for example: TOTP is enabled).</summary>
    /// <param name="userId">The user who just passed the password check.</param>
    /// <param name="deviceToken">The caller's remembered-device token, if any: a trusted device may skip the factor.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    ValueTask<bool> IsRequiredAsync(Guid userId, string? deviceToken, CancellationToken cancellationToken = default);

    /// <summary>
    /// Called by <c>AccountService</c> after a password change of <paramref name="userId"/> has committed, so the
    /// provider can forget what the old password let the user set up (Foundation.Auth.Totp revokes the trusted devices).
    /// The default does nothing. An exception does not undo the password change: it is audited as
    /// <c>auth.password.changed.second_factor_hook_failed</c>.
    /// </summary>
    /// <param name="userId">The user whose password changed.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    ValueTask OnPasswordChangedAsync(Guid userId, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}
