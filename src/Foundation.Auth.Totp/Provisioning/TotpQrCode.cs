using QRCoder;

namespace Foundation.Auth.Totp.Provisioning;

/// <summary>
/// Renders an otpauth URI (from <see cref="OtpAuthUri.Create"/>) as a QR code for an authenticator app to scan: SVG, PNG
/// bytes, or a PNG data URI for an <c>img</c> element. Error correction level M (15 %), with the 4-module quiet zone;
/// drawn by QRCoder in managed code (no native dependencies).
/// </summary>
/// <remarks>
/// The QR code contains the shared secret: send it only over TLS, do not cache or log it, and show it only during set-up.
/// </remarks>
public static class TotpQrCode
{
    /// <summary>The most pixels per module <see cref="Png"/> accepts: 40.</summary>
    public const int MaxPixelsPerModule = 40;

    /// <summary>Renders <paramref name="uri"/> as an SVG document that scales to its container (a <c>viewBox</c>, no fixed size).</summary>
    /// <param name="uri">The text to encode, normally an otpauth URI.</param>
    /// <returns>The SVG markup, black modules on white.</returns>
    /// <exception cref="ArgumentException"><paramref name="uri"/> is <see langword="null"/> or empty.</exception>
    public static string Svg(string uri)
    {
        using var data = Generate(uri);
        using var svg = new SvgQRCode(data);
        return svg.GetGraphic(1, "#000000", "#ffffff", drawQuietZones: true, sizingMode: SvgQRCode.SizingMode.ViewBoxAttribute);
    }

    /// <summary>Renders <paramref name="uri"/> as a PNG image.</summary>
    /// <param name="uri">The text to encode, normally an otpauth URI.</param>
    /// <param name="pixelsPerModule">The width of one module in pixels: 1 to <see cref="MaxPixelsPerModule"/>; 5 by default.</param>
    /// <returns>The PNG file's bytes, black modules on white.</returns>
    /// <exception cref="ArgumentException"><paramref name="uri"/> is <see langword="null"/> or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pixelsPerModule"/> is out of range.</exception>
    public static byte[] Png(string uri, int pixelsPerModule = 5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pixelsPerModule, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pixelsPerModule, MaxPixelsPerModule);
        using var data = Generate(uri);
        using var png = new PngByteQRCode(data);
        return png.GetGraphic(pixelsPerModule, drawQuietZones: true);
    }

    /// <summary>Renders <paramref name="uri"/> as a PNG image in a data URI: <c>data:image/png;base64,...</c>.</summary>
    /// <param name="uri">The text to encode, normally an otpauth URI.</param>
    /// <param name="pixelsPerModule">The width of one module in pixels: 1 to <see cref="MaxPixelsPerModule"/>; 5 by default.</param>
    /// <returns>The data URI, ready for an <c>img</c> element's <c>src</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="uri"/> is <see langword="null"/> or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pixelsPerModule"/> is out of range.</exception>
    public static string PngDataUri(string uri, int pixelsPerModule = 5) =>
        "data:image/png;base64," + Convert.ToBase64String(Png(uri, pixelsPerModule));

    private static QRCodeData Generate(string uri)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        return QRCodeGenerator.GenerateQrCode(uri, QRCodeGenerator.ECCLevel.M);
    }
}
