using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Foundation.Auth.Totp.Encoding;

/// <summary>
/// Base32 with the RFC 4648 section 6 alphabet (<c>A</c>-<c>Z</c>, <c>2</c>-<c>7</c>): the encoding of TOTP secrets in
/// otpauth URIs and of secrets typed by hand into authenticator apps.
/// </summary>
/// <remarks>
/// <para>Decoding is lenient about presentation and strict about content. It accepts:</para>
/// <list type="bullet">
///   <item>lower and upper case alike;</item>
///   <item>ASCII spaces (U+0020) and hyphens anywhere, which are ignored (<c>"jbsw y3dp-ehpk 3pxp"</c>); white space around the text is trimmed;</item>
///   <item>padding <c>=</c> or none: <c>"MY"</c> and <c>"MY======"</c> are the same byte.</item>
/// </list>
/// <para>It refuses, with a <see cref="FormatException"/> that says which rule was broken (and never echoes the text, which is a secret):</para>
/// <list type="bullet">
///   <item>any other character, including <c>0</c>, <c>1</c>, <c>8</c>, <c>9</c> and Unicode look-alikes: they are typing errors, not data;</item>
///   <item>padding that is not at the end, or that does not complete the last 8-character group exactly (<c>"MY="</c>): a
///   partial or misplaced pad means the text was cut or glued;</item>
///   <item>a length that no whole number of bytes encodes: 1, 3 or 6 characters in the last group;</item>
///   <item>non-zero unused bits in the last character (RFC 4648 section 3.5): a canonical encoder writes zeros there, so
///   such text was mistyped or truncated, and accepting it would let several texts stand for one secret.</item>
/// </list>
/// </remarks>
public static class Base32
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private const string AcceptedForm =
        "Base32 (RFC 4648) uses the letters A-Z (any case) and the digits 2-7, with optional '=' padding at the end; spaces and hyphens are ignored.";

    private enum DecodeError
    {
        None,
        InvalidCharacter,
        MisplacedPadding,
        WrongPadding,
        ImpossibleLength,
        NonZeroTrailingBits,
        DestinationTooShort,
    }

    /// <summary>Encodes <paramref name="data"/> as upper-case Base32.</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="padding">Whether to pad the last group to 8 characters with <c>=</c>. otpauth URIs omit padding.</param>
    /// <returns>The text; empty for no bytes.</returns>
    public static string Encode(ReadOnlySpan<byte> data, bool padding = false)
    {
        if (data.IsEmpty)
        {
            return string.Empty;
        }

        var length = GetEncodedLength(data.Length, padding);
        var chars = length <= 256 ? stackalloc char[length] : new char[length];
        var written = EncodeCore(data, chars, padding);
        return new string(chars[..written]);
    }

    /// <summary>The number of characters <see cref="Encode"/> writes for <paramref name="byteCount"/> bytes.</summary>
    /// <param name="byteCount">The number of bytes; not negative.</param>
    /// <param name="padding">Whether the text is padded.</param>
    /// <returns>The length of the text.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="byteCount"/> is negative or too large.</exception>
    public static int GetEncodedLength(int byteCount, bool padding = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(byteCount, int.MaxValue / 8 * 5 / 2);
        return padding ? (byteCount + 4) / 5 * 8 : ((byteCount * 8) + 4) / 5;
    }

    /// <summary>Decodes Base32 text (see the remarks of <see cref="Base32"/> for what is accepted).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The bytes; empty for empty text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException"><paramref name="text"/> is not valid Base32; the message says why.</exception>
    public static byte[] Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var buffer = new byte[GetMaxDecodedLength(text.Length)];
        var error = DecodeCore(text, buffer, out var written, out var position, out var character);
        if (error != DecodeError.None)
        {
            throw new FormatException(Describe(error, position, character));
        }

        return written == buffer.Length ? buffer : buffer[..written];
    }

    /// <summary>Decodes Base32 text, or returns <see langword="false"/> when it is not valid (see <see cref="Decode"/>).</summary>
    /// <param name="text">The text; <see langword="null"/> is not valid.</param>
    /// <param name="bytes">The bytes on success.</param>
    /// <returns>Whether <paramref name="text"/> is valid Base32.</returns>
    public static bool TryDecode([NotNullWhen(true)] string? text, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        if (text is null)
        {
            return false;
        }

        var buffer = new byte[GetMaxDecodedLength(text.Length)];
        if (DecodeCore(text, buffer, out var written, out _, out _) != DecodeError.None)
        {
            return false;
        }

        bytes = written == buffer.Length ? buffer : buffer[..written];
        return true;
    }

    /// <summary>Decodes Base32 text into <paramref name="destination"/> without allocating.</summary>
    /// <param name="text">The text.</param>
    /// <param name="destination">Where the bytes go; <see cref="GetMaxDecodedLength"/> of the text's length is always enough.</param>
    /// <param name="bytesWritten">The number of bytes written; 0 on failure.</param>
    /// <returns>Whether <paramref name="text"/> is valid Base32 and its bytes fit in <paramref name="destination"/>.</returns>
    public static bool TryDecode(ReadOnlySpan<char> text, Span<byte> destination, out int bytesWritten)
    {
        if (DecodeCore(text, destination, out bytesWritten, out _, out _) == DecodeError.None)
        {
            return true;
        }

        bytesWritten = 0;
        return false;
    }

    /// <summary>An upper bound of the bytes that <paramref name="charCount"/> characters of Base32 decode to.</summary>
    /// <param name="charCount">The length of the text; not negative.</param>
    /// <returns><c>charCount * 5 / 8</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="charCount"/> is negative.</exception>
    public static int GetMaxDecodedLength(int charCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(charCount);
        return (int)((long)charCount * 5 / 8);
    }

    private static int EncodeCore(ReadOnlySpan<byte> data, Span<char> destination, bool padding)
    {
        var written = 0;
        var buffer = 0;
        var bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                destination[written++] = Alphabet[(buffer >> bits) & 0x1F];
            }
        }

        if (bits > 0)
        {
            destination[written++] = Alphabet[(buffer << (5 - bits)) & 0x1F];
        }

        if (padding)
        {
            while (written % 8 != 0)
            {
                destination[written++] = '=';
            }
        }

        return written;
    }

    private static DecodeError DecodeCore(ReadOnlySpan<char> text, Span<byte> destination, out int written, out int position, out char character)
    {
        written = 0;
        position = -1;
        character = '\0';
        var start = text.Length - text.TrimStart().Length;
        text = text.Trim();

        var buffer = 0;
        var bits = 0;
        var symbols = 0;
        var pads = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is ' ' or '-')
            {
                continue;
            }

            if (c == '=')
            {
                pads++;
                continue;
            }

            var value = ValueOf(c);
            if (value < 0)
            {
                position = start + i;
                character = c;
                return DecodeError.InvalidCharacter;
            }

            if (pads > 0)
            {
                position = start + i;
                return DecodeError.MisplacedPadding;
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            symbols++;
            if (bits >= 8)
            {
                bits -= 8;
                if (written == destination.Length)
                {
                    return DecodeError.DestinationTooShort;
                }

                destination[written++] = (byte)(buffer >> bits);
            }

            buffer &= (1 << bits) - 1;
        }

        // A group of 8 characters holds 5 bytes; a last group of 2, 4, 5 or 7 characters holds 1 to 4 bytes.
        if ((symbols % 8) is 1 or 3 or 6)
        {
            return DecodeError.ImpossibleLength;
        }

        if (pads > 0 && ((symbols + pads) % 8 != 0 || pads >= 8))
        {
            return DecodeError.WrongPadding;
        }

        if (buffer != 0)
        {
            return DecodeError.NonZeroTrailingBits;
        }

        return DecodeError.None;
    }

    private static int ValueOf(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a',
        >= '2' and <= '7' => c - '2' + 26,
        _ => -1,
    };

    private static string Describe(DecodeError error, int position, char character) => error switch
    {
        DecodeError.InvalidCharacter => string.Create(
            CultureInfo.InvariantCulture,
            $"The text is not Base32: the character {Show(character)} at position {position} is not in the alphabet. {AcceptedForm}"),
        DecodeError.MisplacedPadding => string.Create(
            CultureInfo.InvariantCulture,
            $"The text is not Base32: padding '=' is followed by more data at position {position}; padding may only end the text. {AcceptedForm}"),
        DecodeError.WrongPadding =>
            "The text is not Base32: the '=' padding does not complete the last group of 8 characters (drop the padding or give all of it).",
        DecodeError.ImpossibleLength =>
            "The text is not Base32: its length (without spaces, hyphens and padding) leaves 1, 3 or 6 characters in the last group of 8, which no whole number of bytes encodes; a character is missing or extra.",
        DecodeError.NonZeroTrailingBits =>
            "The text is not Base32: the unused low bits of its last character are not zero (RFC 4648 section 3.5), so it was not written by a Base32 encoder; it is probably mistyped or cut short.",
        _ => "The text is not Base32.",
    };

    private static string Show(char c) =>
        char.IsControl(c) || char.IsWhiteSpace(c) || char.IsSurrogate(c)
            ? string.Create(CultureInfo.InvariantCulture, $"U+{(int)c:X4}")
            : string.Create(CultureInfo.InvariantCulture, $"'{c}' (U+{(int)c:X4})");
}
