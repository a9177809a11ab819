using System.Globalization;
using Foundation.Auth.Totp.Otp;
using TotpCode = Foundation.Auth.Totp.Otp.Totp;

namespace Foundation.Auth.Totp.Tests.Otp;

public class TotpTests
{
    private static readonly byte[] Secret = RfcVectors.Sha1Seed;

    // 2009-02-13T23:31:30Z, in step 0x273EF07 = 41152263 (RFC 6238 Appendix B).
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1234567890);
    private const long NowStep = 0x273EF07;

    [Theory]
    [MemberData(nameof(RfcVectors.Totp), MemberType = typeof(RfcVectors))]
    public void Rfc6238_appendix_B_codes(long unixTime, string stepHex, string code, TotpAlgorithm algorithm)
    {
        var time = DateTimeOffset.FromUnixTimeSeconds(unixTime);
        TotpCode.GetTimeStep(time).ShouldBe(long.Parse(stepHex, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        TotpCode.Compute(RfcVectors.SeedFor(algorithm), time, 8, algorithm).ShouldBe(code);
    }

    [Theory]
    [MemberData(nameof(RfcVectors.Totp), MemberType = typeof(RfcVectors))]
    public void Rfc6238_appendix_B_codes_verify_at_their_time_and_report_their_step(long unixTime, string stepHex, string code, TotpAlgorithm algorithm)
    {
        var time = DateTimeOffset.FromUnixTimeSeconds(unixTime);
        TotpCode.Verify(RfcVectors.SeedFor(algorithm), code, time, 0, out var step, 8, algorithm).ShouldBeTrue();
        step.ShouldBe(long.Parse(stepHex, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Time_steps_count_whole_periods_from_the_unix_epoch()
    {
        TotpCode.GetTimeStep(DateTimeOffset.UnixEpoch).ShouldBe(0);
        TotpCode.GetTimeStep(DateTimeOffset.FromUnixTimeSeconds(29)).ShouldBe(0);
        TotpCode.GetTimeStep(DateTimeOffset.FromUnixTimeSeconds(30)).ShouldBe(1);
        TotpCode.GetTimeStep(DateTimeOffset.FromUnixTimeMilliseconds(59_999)).ShouldBe(1);
        TotpCode.GetTimeStep(DateTimeOffset.FromUnixTimeSeconds(119), periodSeconds: 60).ShouldBe(1);
        TotpCode.GetTimeStep(DateTimeOffset.FromUnixTimeSeconds(-1)).ShouldBe(-1);
        TotpCode.GetTimeStep(DateTimeOffset.FromUnixTimeSeconds(-30)).ShouldBe(-1);
        TotpCode.GetTimeStep(DateTimeOffset.FromUnixTimeSeconds(-31)).ShouldBe(-2);
    }

    [Fact]
    public void The_offset_of_the_time_does_not_matter()
    {
        var local = Now.ToOffset(TimeSpan.FromHours(5.5));
        TotpCode.Compute(Secret, local).ShouldBe(TotpCode.Compute(Secret, Now));
    }

    [Fact]
    public void A_code_of_the_previous_or_next_step_passes_with_window_1_and_fails_with_window_0()
    {
        var previous = TotpCode.Compute(Secret, Now.AddSeconds(-30));
        var next = TotpCode.Compute(Secret, Now.AddSeconds(30));

        TotpCode.Verify(Secret, previous, Now, 1, out var step).ShouldBeTrue();
        step.ShouldBe(NowStep - 1);
        TotpCode.Verify(Secret, next, Now, 1, out step).ShouldBeTrue();
        step.ShouldBe(NowStep + 1);

        TotpCode.Verify(Secret, previous, Now, 0, out step).ShouldBeFalse();
        step.ShouldBe(-1);
        TotpCode.Verify(Secret, next, Now, 0, out step).ShouldBeFalse();
        step.ShouldBe(-1);
    }

    [Fact]
    public void The_current_code_passes_with_window_0()
    {
        TotpCode.Verify(Secret, TotpCode.Compute(Secret, Now), Now, 0, out var step).ShouldBeTrue();
        step.ShouldBe(NowStep);
    }

    [Fact]
    public void A_window_of_2_reaches_two_steps_and_no_further()
    {
        TotpCode.Verify(Secret, TotpCode.Compute(Secret, Now.AddSeconds(-60)), Now, 2, out var step).ShouldBeTrue();
        step.ShouldBe(NowStep - 2);
        TotpCode.Verify(Secret, TotpCode.Compute(Secret, Now.AddSeconds(60)), Now, 2, out step).ShouldBeTrue();
        step.ShouldBe(NowStep + 2);
        TotpCode.Verify(Secret, TotpCode.Compute(Secret, Now.AddSeconds(-90)), Now, 2, out _).ShouldBeFalse();
        TotpCode.Verify(Secret, TotpCode.Compute(Secret, Now.AddSeconds(90)), Now, 2, out _).ShouldBeFalse();
    }

    [Fact]
    public void The_window_is_in_steps_of_the_configured_period()
    {
        var code = TotpCode.Compute(Secret, Now.AddSeconds(-60), periodSeconds: 60);
        TotpCode.Verify(Secret, code, Now, 1, out var step, periodSeconds: 60).ShouldBeTrue();
        step.ShouldBe(TotpCode.GetTimeStep(Now, 60) - 1);
    }

    [Fact]
    public void When_two_steps_give_the_same_code_the_earlier_of_the_closest_is_reported()
    {
        // Found by search: with this secret, steps 999 and 1001 both give 624015 (step 1000 gives 494285).
        var secret = Convert.FromHexString("000000000003a1e8000000000000000000000000");
        var now = DateTimeOffset.FromUnixTimeSeconds(1000 * 30);
        Hotp.Compute(secret, 999, 6, TotpAlgorithm.Sha1).ShouldBe("624015");
        Hotp.Compute(secret, 1001, 6, TotpAlgorithm.Sha1).ShouldBe("624015");

        TotpCode.Verify(secret, "624015", now, 1, out var step).ShouldBeTrue();
        step.ShouldBe(999);
        TotpCode.Verify(secret, "494285", now, 1, out step).ShouldBeTrue();
        step.ShouldBe(1000);
    }

    [Theory]
    [InlineData(" 123456 ")]
    [InlineData("123 456")]
    [InlineData("12 34 56")]
    [InlineData("\t123 456\r\n")]
    [InlineData("1 2 3 4 5 6")]
    public void Surrounding_white_space_and_inner_spaces_are_ignored(string typed)
    {
        var secret = SecretWithCode123456();
        TotpCode.Verify(secret, typed, Now, 0, out var step).ShouldBeTrue();
        step.ShouldBe(NowStep);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("12345a")]
    [InlineData("1234567")]
    [InlineData("12345")]
    [InlineData("１２３４５６")]
    [InlineData("١٢٣٤٥٦")]
    [InlineData("123\t456")]
    [InlineData("123-456")]
    [InlineData("+123456")]
    [InlineData("123456\0")]
    [InlineData("123 4567")]
    public void Malformed_codes_do_not_match(string typed)
    {
        // The secret's current code is 123456, so only the malformation can make these fail.
        var secret = SecretWithCode123456();
        TotpCode.Verify(secret, typed, Now, 1, out var step).ShouldBeFalse();
        step.ShouldBe(-1);
    }

    [Fact]
    public void A_null_code_does_not_match()
    {
        TotpCode.Verify(Secret, (string?)null, Now, 1, out var step).ShouldBeFalse();
        step.ShouldBe(-1);
    }

    [Fact]
    public void Seven_digits_do_not_match_a_six_digit_configuration_even_when_they_start_with_the_code()
    {
        var code = TotpCode.Compute(Secret, Now);
        TotpCode.Verify(Secret, code + "0", Now, 1, out _).ShouldBeFalse();
        TotpCode.Verify(Secret, code[..5], Now, 1, out _).ShouldBeFalse();
    }

    [Fact]
    public void An_eight_digit_configuration_needs_all_eight_digits()
    {
        var code = TotpCode.Compute(Secret, Now, 8);
        TotpCode.Verify(Secret, code, Now, 0, out _, digits: 8).ShouldBeTrue();
        TotpCode.Verify(Secret, code[2..], Now, 0, out _, digits: 8).ShouldBeFalse();
        TotpCode.Verify(Secret, code, Now, 0, out _).ShouldBeFalse();

        // The same truncated number modulo 10^6: the 6-digit code is the 8-digit code's last six digits.
        TotpCode.Verify(Secret, code[2..], Now, 0, out _).ShouldBeTrue();
    }

    [Fact]
    public void A_code_for_another_algorithm_does_not_match()
    {
        var code = TotpCode.Compute(RfcVectors.Sha256Seed, Now, algorithm: TotpAlgorithm.Sha256);
        TotpCode.Verify(RfcVectors.Sha256Seed, code, Now, 0, out _, algorithm: TotpAlgorithm.Sha256).ShouldBeTrue();
        TotpCode.Verify(RfcVectors.Sha256Seed, code, Now, 1, out _, algorithm: TotpAlgorithm.Sha1).ShouldBeFalse();
    }

    [Fact]
    public void The_span_overload_agrees_with_the_string_overload()
    {
        var code = TotpCode.Compute(Secret, Now);
        TotpCode.Verify(Secret, code.AsSpan(), Now, 1, out var step).ShouldBeTrue();
        step.ShouldBe(NowStep);
    }

    [Fact]
    public void Steps_before_1970_are_skipped_not_thrown_on()
    {
        var code = TotpCode.Compute(Secret, DateTimeOffset.UnixEpoch);
        TotpCode.Verify(Secret, code, DateTimeOffset.UnixEpoch, 1, out var step).ShouldBeTrue();
        step.ShouldBe(0);
        TotpCode.Verify(Secret, "000000", DateTimeOffset.UnixEpoch.AddDays(-1), 1, out step).ShouldBeFalse();
        Should.Throw<ArgumentOutOfRangeException>(() => TotpCode.Compute(Secret, DateTimeOffset.UnixEpoch.AddSeconds(-1))).ParamName.ShouldBe("time");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(11)]
    public void A_window_outside_0_to_10_is_refused(int window)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => TotpCode.Verify(Secret, "123456", Now, window, out _)).ParamName.ShouldBe("window");
    }

    [Fact]
    public void Bad_configuration_throws_even_for_a_malformed_or_missing_code()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => TotpCode.Verify(Secret, (string?)null, Now, 1, out _, digits: 9)).ParamName.ShouldBe("digits");
        Should.Throw<ArgumentOutOfRangeException>(() => TotpCode.Verify(Secret, "x", Now, 1, out _, periodSeconds: 0)).ParamName.ShouldBe("periodSeconds");
        Should.Throw<ArgumentOutOfRangeException>(() => TotpCode.Verify(Secret, "x", Now, 1, out _, algorithm: (TotpAlgorithm)9)).ParamName.ShouldBe("algorithm");
        Should.Throw<ArgumentException>(() => TotpCode.Verify([], "123456", Now, 1, out _)).ParamName.ShouldBe("secret");
        Should.Throw<ArgumentOutOfRangeException>(() => TotpCode.GetTimeStep(Now, -30)).ParamName.ShouldBe("periodSeconds");
    }

    /// <summary>A secret whose SHA-1 code at <see cref="Now"/> is 123456 (found by search; neighbours 525764 and 430427).</summary>
    private static byte[] SecretWithCode123456() => Convert.FromHexString("c3ad180000000000000000000000000000000000");
}
