using System.Security.Cryptography;

namespace Foundation.Auth.Totp;

/// <summary>Device tokens: <c>fnd_dev_</c> and 256 random bits in base64url; stored as SHA-256 hex.</summary>
internal static class TrustedDeviceTokens
{
    public const string Prefix = "fnd_dev_";
    private const int RandomLength = 43;

    public static (string Token, string Hash) Create()
    {
        var random = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var token = Prefix + random;
        return (token, Hash(token));
    }

    public static bool TryHash(string? token, out string hash)
    {
        hash = string.Empty;
        if (token is null || token.Length != Prefix.Length + RandomLength || !token.StartsWith(Prefix, StringComparison.Ordinal)
            || !token.AsSpan(Prefix.Length).ContainsOnlyBase64Url())
        {
            return false;
        }

        hash = Hash(token);
        return true;
    }

    private static bool ContainsOnlyBase64Url(this ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_')
            {
                return false;
            }
        }

        return true;
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(token)));
}
