using Foundation.Auth.SecondFactor;

namespace Foundation.Auth.Totp;

/// <summary>
/// The <c>totp</c> second factor of Foundation.Auth's login: required when the user has TOTP enabled, unless the login
/// presents the device token of one of the user's trusted devices. A password change revokes every trusted device.
/// </summary>
public sealed class TotpSecondFactorProvider : ISecondFactorProvider
{
    /// <summary>The factor's name: <c>totp</c>.</summary>
    public const string FactorName = "totp";

    private readonly TotpService _totp;

    /// <summary>Creates the provider.</summary>
    public TotpSecondFactorProvider(TotpService totp)
    {
        ArgumentNullException.ThrowIfNull(totp);
        _totp = totp;
    }

    /// <inheritdoc />
    public string Name => FactorName;

    /// <inheritdoc />
    public async ValueTask<bool> IsRequiredAsync(Guid userId, string? deviceToken, CancellationToken cancellationToken = default) =>
        await _totp.IsEnabledAsync(userId, cancellationToken).ConfigureAwait(false)
        && !await _totp.UseTrustedDeviceAsync(userId, deviceToken, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask OnPasswordChangedAsync(Guid userId, CancellationToken cancellationToken = default) =>
        await _totp.RevokeTrustedDevicesAsync(userId, "password-changed", cancellationToken).ConfigureAwait(false);
}
