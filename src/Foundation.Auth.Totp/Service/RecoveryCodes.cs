using System.Security.Cryptography;

namespace Foundation.Auth.Totp;

/// <summary>
/// Recovery codes: 10 symbols of Crockford's Base32 alphabet (50 bits), shown as <c>XXXXX-XXXXX</c>. The alphabet has no
/// I, L, O or U; when read back, case, hyphens and spaces are ignored and the look-alikes O, I and L count as 0, 1 and 1,
/// so a code mistyped that way still matches. Stored as the SHA-256 of the normalised form.
/// </summary>
internal static class RecoveryCodes
{
    public const int Length = 10;
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string Generate()
    {
        var symbols = RandomNumberGenerator.GetString(Alphabet, Length);
        return string.Concat(symbols.AsSpan(0, Length / 2), "-", symbols.AsSpan(Length / 2));
    }

    /// <summary>The canonical form: upper case, no separators, look-alikes mapped; <see langword="null"/> when it cannot be a code.</summary>
    public static string? Normalize(string? input)
    {
        if (input is null)
        {
            return null;
        }

        Span<char> buffer = stackalloc char[Length];
        var count = 0;
        foreach (var raw in input.AsSpan().Trim())
        {
            if (raw is '-' or ' ')
            {
                continue;
            }

            var c = char.ToUpperInvariant(raw) switch
            {
                'O' => '0',
                'I' or 'L' => '1',
                var other => other,
            };
            if (count == Length || !Alphabet.Contains(c, StringComparison.Ordinal))
            {
                return null;
            }

            buffer[count++] = c;
        }

        return count == Length ? new string(buffer) : null;
    }

    public static string Hash(string normalized) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(normalized)));
}
