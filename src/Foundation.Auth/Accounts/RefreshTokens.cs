using System.Security.Cryptography;
using System.Text;
using Foundation.Auth.Storage;

namespace Foundation.Auth.Accounts;

/// <summary>Opaque refresh tokens: 256 random bits, base64url; stored as SHA-256 hex.</summary>
internal static class RefreshTokens
{
    public static (string Token, RefreshTokenRecord Record) Create(Guid sessionId, DateTimeOffset now, TimeSpan lifetime)
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        var record = new RefreshTokenRecord
        {
            Id = Guid.CreateVersion7(now),
            SessionId = sessionId,
            TokenHash = Hash(token),
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
        return (token, record);
    }

    public static bool TryHash(string? token, out string hash)
    {
        hash = string.Empty;
        if (string.IsNullOrEmpty(token) || token.Length != 43 || !token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return false;
        }

        hash = Hash(token);
        return true;
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
