using System.Security.Cryptography;
using Foundation.Auth.Totp.Encoding;

namespace Foundation.Auth.Totp.Tests.Encoding;

public class Base32Tests
{
    /// <summary>RFC 4648 section 10.</summary>
    public static TheoryData<string, string> Rfc4648Vectors => new()
    {
        { "", "" },
        { "f", "MY======" },
        { "fo", "MZXQ====" },
        { "foo", "MZXW6===" },
        { "foob", "MZXW6YQ=" },
        { "fooba", "MZXW6YTB" },
        { "foobar", "MZXW6YTBOI======" },
    };

    [Theory]
    [MemberData(nameof(Rfc4648Vectors))]
    public void Rfc4648_vectors_encode_and_decode_with_and_without_padding(string text, string encoded)
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes(text);
        Base32.Encode(bytes, padding: true).ShouldBe(encoded);
        Base32.Encode(bytes).ShouldBe(encoded.TrimEnd('='));
        Base32.GetEncodedLength(bytes.Length, padding: true).ShouldBe(encoded.Length);
        Base32.GetEncodedLength(bytes.Length).ShouldBe(encoded.TrimEnd('=').Length);

        Base32.Decode(encoded).ShouldBe(bytes);
        Base32.Decode(encoded.TrimEnd('=')).ShouldBe(bytes);
        Base32.Decode(encoded.ToLowerInvariant()).ShouldBe(bytes);
        Base32.TryDecode(encoded, out var decoded).ShouldBeTrue();
        decoded.ShouldBe(bytes);
    }

    [Fact]
    public void Random_bytes_of_every_length_up_to_100_round_trip()
    {
        for (var length = 0; length <= 100; length++)
        {
            var bytes = RandomNumberGenerator.GetBytes(length);
            Base32.Decode(Base32.Encode(bytes)).ShouldBe(bytes);
            Base32.Decode(Base32.Encode(bytes, padding: true)).ShouldBe(bytes);
            Base32.Decode(Base32.Encode(bytes).ToLowerInvariant()).ShouldBe(bytes);
        }
    }

    [Theory]
    [InlineData("jbswy3dpehpk3pxp")]
    [InlineData("JBSW Y3DP EHPK 3PXP")]
    [InlineData("jbsw-y3dp-ehpk-3pxp")]
    [InlineData("  JBSWY3DPEHPK3PXP\n")]
    [InlineData("JbSwY3dPeHpK3pXp")]
    [InlineData("JBSW - Y3DP  EHPK--3PXP")]
    public void Case_spaces_hyphens_and_surrounding_white_space_are_tolerated(string text)
    {
        // "Hello!" followed by DE AD BE EF.
        Base32.Decode(text).ShouldBe(Convert.FromHexString("48656c6c6f21deadbeef"));
    }

    [Theory]
    [InlineData("MZXW6YQ=")]
    [InlineData("MZXW 6YQ=")]
    [InlineData("mzxw6yq=")]
    [InlineData("MZXW6YQ")]
    public void Padding_is_optional(string text)
    {
        Base32.Decode(text).ShouldBe("foob"u8.ToArray());
    }

    [Theory]
    [InlineData("MZXW6YT!", "'!'", "position 7")]
    [InlineData("MZXW0YTB", "'0'", "position 4")]
    [InlineData("MZXW1YTB", "'1'", "position 4")]
    [InlineData("MZXW8YTB", "'8'", "position 4")]
    [InlineData("MZXW9YTB", "'9'", "position 4")]
    [InlineData("MZXＷ6YTB", "'Ｗ'", "position 3")]
    [InlineData("MZX\tW6YTB", "U+0009", "position 3")]
    [InlineData("  MZ_W6YTB", "'_'", "position 4")]
    [InlineData("MZXW6YTB.", "'.'", "position 8")]
    public void Characters_outside_the_alphabet_are_refused_with_their_position(string text, string character, string position)
    {
        var error = Should.Throw<FormatException>(() => Base32.Decode(text));
        error.Message.ShouldContain(character);
        error.Message.ShouldContain(position);
        error.Message.ShouldContain("A-Z");
        error.Message.ShouldNotContain("MZX", Case.Insensitive, "the message must not echo the secret");
        Base32.TryDecode(text, out _).ShouldBeFalse();
    }

    [Theory]
    [InlineData("MY=A", "followed by more data")]
    [InlineData("MZ=XW6===", "followed by more data")]
    [InlineData("MY=", "does not complete")]
    [InlineData("MY=====", "does not complete")]
    [InlineData("MY=======", "does not complete")]
    [InlineData("MZXW6YTB========", "does not complete")]
    [InlineData("========", "does not complete")]
    [InlineData("M", "length")]
    [InlineData("MZX", "length")]
    [InlineData("MZXW6Y", "length")]
    [InlineData("MZXW6YTBM", "length")]
    [InlineData("M=======", "length")]
    [InlineData("MZ", "unused low bits")]
    [InlineData("MZXR", "unused low bits")]
    [InlineData("MZXW7", "unused low bits")]
    [InlineData("MZXW6YR", "unused low bits")]
    public void Impossible_lengths_bad_padding_and_non_zero_trailing_bits_are_refused(string text, string reason)
    {
        Should.Throw<FormatException>(() => Base32.Decode(text)).Message.ShouldContain(reason);
        Base32.TryDecode(text, out _).ShouldBeFalse();
        Base32.TryDecode(text.AsSpan(), new byte[16], out var written).ShouldBeFalse();
        written.ShouldBe(0);
    }

    [Fact]
    public void Null_is_refused()
    {
        Should.Throw<ArgumentNullException>(() => Base32.Decode(null!));
        Base32.TryDecode((string?)null, out var bytes).ShouldBeFalse();
        bytes.ShouldBeNull();
    }

    [Fact]
    public void The_span_decoder_writes_into_the_destination_and_refuses_one_too_short()
    {
        Span<byte> destination = stackalloc byte[Base32.GetMaxDecodedLength(16)];
        Base32.TryDecode("MZXW6YTBOI======", destination, out var written).ShouldBeTrue();
        destination[..written].ToArray().ShouldBe("foobar"u8.ToArray());

        Base32.TryDecode("MZXW6YTBOI", destination[..5], out written).ShouldBeFalse();
        written.ShouldBe(0);
    }

    [Fact]
    public void A_32_character_secret_decodes_to_20_bytes_through_spans()
    {
        var secret = RandomNumberGenerator.GetBytes(20);
        var text = Base32.Encode(secret);
        text.Length.ShouldBe(32);
        Span<byte> destination = stackalloc byte[20];
        Base32.TryDecode(text, destination, out var written).ShouldBeTrue();
        written.ShouldBe(20);
        destination.ToArray().ShouldBe(secret);
    }
}
