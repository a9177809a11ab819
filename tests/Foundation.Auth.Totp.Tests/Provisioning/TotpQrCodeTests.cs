using Foundation.Auth.Totp.Otp;
using Foundation.Auth.Totp.Provisioning;
using Foundation.Auth.Totp.Tests.Infrastructure;

namespace Foundation.Auth.Totp.Tests.Provisioning;

public sealed class TotpQrCodeTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private readonly string _folder = Directory.CreateTempSubdirectory("foundation-totp-qr-").FullName;

    private static string Uri(TotpAlgorithm algorithm = TotpAlgorithm.Sha1) =>
        OtpAuthUri.Create("Acme & Co", "ada.lovelace+2fa@example.com", TotpSecret.Generate(algorithm), algorithm);

    [Fact]
    public void Svg_is_a_scalable_svg_document()
    {
        var svg = TotpQrCode.Svg(Uri());
        svg.ShouldContain("<svg");
        svg.ShouldContain("viewBox");
        svg.TrimEnd().ShouldEndWith("</svg>");
    }

    [Fact]
    public void Png_is_a_png_file_and_its_data_uri_holds_the_same_bytes()
    {
        var uri = Uri();
        var png = TotpQrCode.Png(uri);
        png.Take(8).ShouldBe(PngSignature);

        var dataUri = TotpQrCode.PngDataUri(uri);
        dataUri.ShouldStartWith("data:image/png;base64,");
        Convert.FromBase64String(dataUri["data:image/png;base64,".Length..]).ShouldBe(png);
    }

    [Fact]
    public void More_pixels_per_module_make_a_bigger_image()
    {
        var uri = Uri();
        TotpQrCode.Png(uri, 10).Length.ShouldBeGreaterThan(TotpQrCode.Png(uri, 2).Length);
    }

    [Theory]
    [InlineData(TotpAlgorithm.Sha1, 2)]
    [InlineData(TotpAlgorithm.Sha1, 5)]
    [InlineData(TotpAlgorithm.Sha512, 3)]
    public void Zbarimg_reads_the_exact_uri_back_from_the_png(TotpAlgorithm algorithm, int pixelsPerModule)
    {
        var zbarimg = ExternalTool.Require("zbarimg", "zbar-tools");
        var uri = Uri(algorithm);
        var file = Path.Combine(_folder, $"{algorithm}-{pixelsPerModule}.png");
        File.WriteAllBytes(file, TotpQrCode.Png(uri, pixelsPerModule));

        var decoded = ExternalTool.Run(zbarimg, "--quiet", "--raw", file);

        decoded.TrimEnd('\n').ShouldBe(uri);
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Should.Throw<ArgumentNullException>(() => TotpQrCode.Svg(null!));
        Should.Throw<ArgumentException>(() => TotpQrCode.Svg(""));
        Should.Throw<ArgumentException>(() => TotpQrCode.Png(""));
        Should.Throw<ArgumentOutOfRangeException>(() => TotpQrCode.Png("otpauth://totp/a?secret=MY", 0)).ParamName.ShouldBe("pixelsPerModule");
        Should.Throw<ArgumentOutOfRangeException>(() => TotpQrCode.Png("otpauth://totp/a?secret=MY", TotpQrCode.MaxPixelsPerModule + 1));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
