using System.Buffers.Text;
using System.Security.Cryptography;
using Foundation.Auth.Authentication;

namespace Foundation.Auth.ApiKeys;

/// <summary>
/// The key format <c>fnd_{keyId}_{secret}</c>: a 12-character alphanumeric key id (public, unique, the lookup) and
/// a 256-bit secret in base64url (43 characters, which may itself contain <c>_</c> and <c>-</c>). Only SHA-256 of
/// the secret is stored, as lower-case hex.
/// </summary>
internal static class ApiKeyFormat
{
    public const int KeyIdLength = 12;
    public const int SecretBytes = 32;
    public const int SecretLength = 43;
    public const int FullLength = 4 + KeyIdLength + 1 + SecretLength;

    private const string KeyIdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static (string KeyId, string Secret, string FullKey) Generate()
    {
        var keyId = RandomNumberGenerator.GetString(KeyIdAlphabet, KeyIdLength);
        Span<byte> secretBytes = stackalloc byte[SecretBytes];
        RandomNumberGenerator.Fill(secretBytes);
        var secret = Base64Url.EncodeToString(secretBytes);
        CryptographicOperations.ZeroMemory(secretBytes);
        return (keyId, secret, string.Concat(FoundationAuthenticationDefaults.ApiKeyPrefix, keyId, "_", secret));
    }

    /// <summary>Splits a presented key; false for anything not exactly of the format (checked before any database work).</summary>
    public static bool TryParse(ReadOnlySpan<char> presented, out ReadOnlySpan<char> keyId, out ReadOnlySpan<char> secret)
    {
        keyId = default;
        secret = default;
        if (presented.Length != FullLength
            || !presented.StartsWith(FoundationAuthenticationDefaults.ApiKeyPrefix, StringComparison.Ordinal)
            || presented[4 + KeyIdLength] != '_')
        {
            return false;
        }

        var id = presented.Slice(4, KeyIdLength);
        var sec = presented[(4 + KeyIdLength + 1)..];
        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        foreach (var c in sec)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        keyId = id;
        secret = sec;
        return true;
    }

    /// <summary>SHA-256 of the secret's ASCII bytes, as lower-case hex (what is stored).</summary>
    public static string HashSecret(ReadOnlySpan<char> secret)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        ComputeHash(secret, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>
    /// Whether <paramref name="secret"/> hashes to <paramref name="expectedHash"/> (the 32 bytes of SHA-256), compared
    /// in constant time. Hashes and compares whatever it is given, so an unknown key (checked against a dummy hash)
    /// costs what a known one costs.
    /// </summary>
    public static bool Verify(ReadOnlySpan<char> secret, ReadOnlySpan<byte> expectedHash)
    {
        Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
        ComputeHash(secret, actual);
        return CryptographicOperations.FixedTimeEquals(actual, expectedHash);
    }

    /// <summary>The 32 bytes of a stored lower-case hex hash; empty (never matching) when the stored value is not one.</summary>
    public static byte[] DecodeHash(string storedHexHash)
    {
        var bytes = new byte[SHA256.HashSizeInBytes];
        if (storedHexHash.Length != SHA256.HashSizeInBytes * 2
            || Convert.FromHexString(storedHexHash, bytes, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != SHA256.HashSizeInBytes)
        {
            return [];
        }

        return bytes;
    }

    private static void ComputeHash(ReadOnlySpan<char> secret, Span<byte> hash)
    {
        // The secret is ASCII (base64url) and at most 43 characters here.
        Span<byte> ascii = stackalloc byte[SecretLength];
        var length = Math.Min(secret.Length, SecretLength);
        for (var i = 0; i < length; i++)
        {
            ascii[i] = (byte)secret[i];
        }

        SHA256.HashData(ascii[..length], hash);
    }
}
