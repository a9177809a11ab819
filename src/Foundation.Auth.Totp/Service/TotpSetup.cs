namespace Foundation.Auth.Totp;

/// <summary>What a started setup shows the user: the secret to type in, or the QR code to scan.</summary>
/// <param name="Secret">The secret in Base32, for typing into an authenticator app.</param>
/// <param name="OtpAuthUri">The <c>otpauth://totp/</c> URI of the key.</param>
/// <param name="QrCodePngDataUri">The QR code of <paramref name="OtpAuthUri"/> as a <c>data:image/png;base64,</c> URI.</param>
/// <param name="QrCodeSvg">The QR code of <paramref name="OtpAuthUri"/> as an SVG document.</param>
/// <param name="ExpiresAt">When the setup can no longer be confirmed.</param>
public sealed record TotpSetup(string Secret, string OtpAuthUri, string QrCodePngDataUri, string QrCodeSvg, DateTimeOffset ExpiresAt);
