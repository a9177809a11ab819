namespace Foundation.Auth.Totp;

/// <summary>A newly trusted device and its token: the token is shown this once and stored only as a hash.</summary>
/// <param name="Token">The device token (<c>fnd_dev_</c> and 43 base64url characters) the client sends at login.</param>
/// <param name="Device">The device.</param>
public sealed record TotpTrustedDeviceGrant(string Token, TotpTrustedDevice Device);
