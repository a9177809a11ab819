using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using OtpNet;

namespace Foundation.Auth.Totp.Encoding;

/// <summary>
/// Base32 with the RFC 4648 section 6 alphabet (<c>A</c>-<c>Z</c>, <c>2</c>-<c>7</c>): the encoding of TOTP secrets in
/// otpauth URIs and of secrets typed by hand into authenticator apps.
/// </summary>
/// <remarks>
/// <para>
/// The bits are converted by Otp.NET's <see cref="OtpNet.Base32Encoding"/>; this class adds what it leaves out: the
/// empty string, unpadded output, and the checks below, which Otp.NET does not make (it ignores a cut-off last
/// character, takes padding anywhere at the end, and reports a bad character without saying which or where).
/// </para>
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

        var padded = Base32Encoding.ToString(data.ToArray());
        return padding ? padded : padded.TrimEnd('=');
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
        var error = DecodeCore(text, out var bytes, out var position, out var character);
        if (error != DecodeError.None)
        {
            throw new FormatException(Describe(error, position, character));
        }

        return bytes;
    }

    /// <summary>Decodes Base32 text, or returns <see langword="false"/> when it is not valid (see <see cref="Decode"/>).</summary>
    /// <param name="text">The text; <see langword="null"/> is not valid.</param>
    /// <param name="bytes">The bytes on success.</param>
    /// <returns>Whether <paramref name="text"/> is valid Base32.</returns>
    public static bool TryDecode([NotNullWhen(true)] string? text, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        if (text is null || DecodeCore(text, out var decoded, out _, out _) != DecodeError.None)
        {
            return false;
        }

        bytes = decoded;
        return true;
    }

    /// <summary>Decodes Base32 text into <paramref name="destination"/>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="destination">Where the bytes go; <see cref="GetMaxDecodedLength"/> of the text's length is always enough.</param>
    /// <param name="bytesWritten">The number of bytes written; 0 on failure.</param>
    /// <returns>Whether <paramref name="text"/> is valid Base32 and its bytes fit in <paramref name="destination"/>.</returns>
    public static bool TryDecode(ReadOnlySpan<char> text, Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        if (DecodeCore(text, out var bytes, out _, out _) != DecodeError.None || bytes.Length > destination.Length)
        {
            CryptographicOperations.ZeroMemory(bytes);
            return false;
        }

        bytes.CopyTo(destination);
        bytesWritten = bytes.Length;
        CryptographicOperations.ZeroMemory(bytes);
        return true;
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

    /// <summary>
    /// Checks the presentation rules, hands the bare symbols (upper case, no spaces, hyphens or padding) to Otp.NET, and
    /// refuses text that Otp.NET's canonical encoding of the result does not give back (non-zero unused bits).
    /// </summary>
    private static DecodeError DecodeCore(ReadOnlySpan<char> text, out byte[] bytes, out int position, out char character)
    {
        bytes = [];
        position = -1;
        character = '\0';
        var start = text.Length - text.TrimStart().Length;
        text = text.Trim();

        var symbols = new StringBuilder(text.Length);
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

            if (!char.IsAsciiLetter(c) && c is not (>= '2' and <= '7'))
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

            symbols.Append(char.ToUpperInvariant(c));
        }

        // A group of 8 characters holds 5 bytes; a last group of 2, 4, 5 or 7 characters holds 1 to 4 bytes.
        if ((symbols.Length % 8) is 1 or 3 or 6)
        {
            return DecodeError.ImpossibleLength;
        }

        if (pads > 0 && ((symbols.Length + pads) % 8 != 0 || pads >= 8))
        {
            return DecodeError.WrongPadding;
        }

        if (symbols.Length == 0)
        {
            return DecodeError.None;
        }

        var canonical = symbols.ToString();
        var decoded = Base32Encoding.ToBytes(canonical);
        if (!string.Equals(Encode(decoded), canonical, StringComparison.Ordinal))
        {
            CryptographicOperations.ZeroMemory(decoded);
            return DecodeError.NonZeroTrailingBits;
        }

        bytes = decoded;
        return DecodeError.None;
    }

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
