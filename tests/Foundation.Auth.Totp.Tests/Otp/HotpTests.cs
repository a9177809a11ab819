using System.Security.Cryptography;
using Foundation.Auth.Totp.Otp;

namespace Foundation.Auth.Totp.Tests.Otp;

public class HotpTests
{
    [Theory]
    [MemberData(nameof(RfcVectors.Hotp), MemberType = typeof(RfcVectors))]
    public void Rfc4226_appendix_D_codes(long counter, string hmacHex, string truncatedHex, int truncated, string code)
    {
        _ = hmacHex;
        _ = truncatedHex;
        _ = truncated;
        Hotp.Compute(RfcVectors.Sha1Seed, counter, 6, TotpAlgorithm.Sha1).ShouldBe(code);
        Hotp.ComputeValue(RfcVectors.Sha1Seed, counter, 6, TotpAlgorithm.Sha1).ShouldBe(int.Parse(code));
    }

    [Theory]
    [MemberData(nameof(RfcVectors.Hotp), MemberType = typeof(RfcVectors))]
    public void Rfc4226_appendix_D_intermediate_values(long counter, string hmacHex, string truncatedHex, int truncated, string code)
    {
        _ = code;
        Span<byte> message = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(message, counter);
#pragma warning disable CA5350 // RFC 4226 is HMAC-SHA-1.
        Convert.ToHexStringLower(HMACSHA1.HashData(RfcVectors.Sha1Seed, message)).ShouldBe(hmacHex);
#pragma warning restore CA5350

        // The RFC's 31-bit truncated value; Otp.NET does not expose it, so its last eight decimal digits are checked.
        truncated.ToString("x").ShouldBe(truncatedHex);
        Hotp.ComputeValue(RfcVectors.Sha1Seed, counter, 8, TotpAlgorithm.Sha1).ShouldBe(truncated % 100_000_000);
    }

    [Fact]
    public void TryCompute_writes_the_digits_and_refuses_a_short_destination()
    {
        Span<char> destination = stackalloc char[10];
        Hotp.TryCompute(RfcVectors.Sha1Seed, 7, 6, TotpAlgorithm.Sha1, destination, out var written).ShouldBeTrue();
        written.ShouldBe(6);
        destination[..written].ToString().ShouldBe("162583");

        Hotp.TryCompute(RfcVectors.Sha1Seed, 7, 8, TotpAlgorithm.Sha1, destination[..7], out written).ShouldBeFalse();
        written.ShouldBe(0);
    }

    [Fact]
    public void Codes_keep_their_leading_zeros()
    {
        // RFC 6238: SHA-1 at T = 0x23523EC gives 07081804 with 8 digits.
        Hotp.Compute(RfcVectors.Sha1Seed, 0x23523EC, 8, TotpAlgorithm.Sha1).ShouldBe("07081804");
        Hotp.Compute(RfcVectors.Sha1Seed, 0x23523EC, 7, TotpAlgorithm.Sha1).ShouldBe("7081804");
        Hotp.Compute(RfcVectors.Sha1Seed, 0x23523EC, 6, TotpAlgorithm.Sha1).ShouldBe("081804");
    }

    [Theory]
    [InlineData(5)]
    [InlineData(9)]
    [InlineData(0)]
    public void Digits_outside_6_to_8_are_refused(int digits)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => Hotp.Compute(RfcVectors.Sha1Seed, 0, digits, TotpAlgorithm.Sha1))
            .ParamName.ShouldBe("digits");
    }

    [Fact]
    public void An_empty_secret_a_negative_counter_and_an_undefined_algorithm_are_refused()
    {
        Should.Throw<ArgumentException>(() => Hotp.Compute([], 0, 6, TotpAlgorithm.Sha1)).ParamName.ShouldBe("secret");
        Should.Throw<ArgumentOutOfRangeException>(() => Hotp.Compute(RfcVectors.Sha1Seed, -1, 6, TotpAlgorithm.Sha1)).ParamName.ShouldBe("counter");
        Should.Throw<ArgumentOutOfRangeException>(() => Hotp.Compute(RfcVectors.Sha1Seed, 0, 6, (TotpAlgorithm)3)).ParamName.ShouldBe("algorithm");
    }
}
