using System.Globalization;
using System.Security.Cryptography;
using Foundation.Auth.Totp.Otp;
using Foundation.Auth.Totp.Tests.Infrastructure;
using TotpCode = Foundation.Auth.Totp.Otp.Totp;

namespace Foundation.Auth.Totp.Tests.Otp;

/// <summary>
/// Checks the codes against an independent implementation: Debian's <c>oathtool</c> (OATH Toolkit), with random secrets
/// at random and edge times. Fails (does not skip) when oathtool is missing: ./eng/test.sh installs it.
/// </summary>
public class OathtoolCrossCheckTests
{
    private static string Oathtool => ExternalTool.Require("oathtool", "oathtool");

    public static TheoryData<TotpAlgorithm, int, int> Configurations => new()
    {
        { TotpAlgorithm.Sha1, 6, 30 },
        { TotpAlgorithm.Sha1, 8, 30 },
        { TotpAlgorithm.Sha256, 6, 30 },
        { TotpAlgorithm.Sha256, 8, 30 },
        { TotpAlgorithm.Sha512, 6, 30 },
        { TotpAlgorithm.Sha512, 8, 30 },
        { TotpAlgorithm.Sha1, 7, 60 },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Totp_codes_equal_oathtool_for_random_secrets_and_times(TotpAlgorithm algorithm, int digits, int period)
    {
        var times = new List<DateTimeOffset>
        {
            DateTimeOffset.FromUnixTimeSeconds(59),
            DateTimeOffset.FromUnixTimeSeconds(1_111_111_109),
            new(2038, 1, 19, 3, 14, 8, TimeSpan.Zero),
            new(2099, 12, 31, 23, 59, 59, TimeSpan.Zero),
        };
        for (var i = 0; i < 4; i++)
        {
            times.Add(DateTimeOffset.FromUnixTimeSeconds(RandomNumberGenerator.GetInt32(0, int.MaxValue)));
        }

        foreach (var time in times)
        {
            var secret = TotpSecret.Generate(algorithm);
            var hex = Convert.ToHexStringLower(secret);
            var when = time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";
            var expected = ExternalTool.Run(
                Oathtool,
                $"--totp={OathName(algorithm)}",
                $"--digits={digits}",
                $"--time-step-size={period}s",
                "--now",
                when,
                hex).Trim();

            var ours = TotpCode.Compute(secret, time, digits, algorithm, period);
            ours.ShouldBe(expected, $"{algorithm}, {digits} digits, {period} s, at {when}, secret {hex}");
            TotpCode.Verify(secret, expected, time, 0, out var step, digits, algorithm, period).ShouldBeTrue();
            step.ShouldBe(TotpCode.GetTimeStep(time, period));
        }
    }

    [Fact]
    public void Oathtools_window_codes_verify_as_the_steps_around_now()
    {
        // oathtool --window=2 prints the codes of the steps now, now+1 and now+2.
        var secret = TotpSecret.Generate();
        var time = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var codes = ExternalTool.Run(
            Oathtool, "--totp=SHA1", "--digits=6", "--window=2", "--now", "2023-11-14 22:13:20 UTC", Convert.ToHexStringLower(secret))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        codes.Length.ShouldBe(3);
        var now = TotpCode.GetTimeStep(time);
        TotpCode.Verify(secret, codes[0], time, 1, out var step).ShouldBeTrue();
        step.ShouldBe(now);
        TotpCode.Verify(secret, codes[1], time, 1, out step).ShouldBeTrue();
        step.ShouldBe(now + 1);
        TotpCode.Verify(secret, codes[2], time, 1, out _).ShouldBeFalse();
        TotpCode.Verify(secret, codes[2], time, 2, out step).ShouldBeTrue();
        step.ShouldBe(now + 2);
    }

    [Fact]
    public void Hotp_codes_equal_oathtool()
    {
        var secret = TotpSecret.Generate();
        var hex = Convert.ToHexStringLower(secret);
        foreach (var counter in new long[] { 0, 1, 9, 255, 65_536, 4_294_967_296 })
        {
            var expected = ExternalTool.Run(Oathtool, "--hotp", "--digits=6", $"--counter={counter}", hex).Trim();
            Hotp.Compute(secret, counter, 6, TotpAlgorithm.Sha1).ShouldBe(expected, $"counter {counter}, secret {hex}");
        }
    }

    private static string OathName(TotpAlgorithm algorithm) => algorithm switch
    {
        TotpAlgorithm.Sha1 => "SHA1",
        TotpAlgorithm.Sha256 => "SHA256",
        _ => "SHA512",
    };
}
