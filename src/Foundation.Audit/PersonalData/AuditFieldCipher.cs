using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Foundation.Audit.PersonalData;

/// <summary>
/// Encrypts one personal field of one event with AES-256-GCM (System.Security.Cryptography) under a subject's data key. The stored text is
/// <c>enc1:&lt;key id, 32 hex&gt;:&lt;base64url(nonce | ciphertext | tag)&gt;</c>; the associated data binds it to the event id and the
/// column, so a ciphertext moved to another event or column does not decrypt. The chain hashes this text as it hashes any other value.
/// </summary>
internal static class AuditFieldCipher
{
    public const string Prefix = "enc1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int KeyIdLength = 32;

    public static string KeyPrefix(Guid keyId) => Prefix + keyId.ToString("N", CultureInfo.InvariantCulture) + ":";

    public static string Encrypt(AesGcm aes, Guid keyId, Guid eventId, string column, string plaintext)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length, TagSize), Aad(eventId, column));
        return KeyPrefix(keyId) + Base64Url.EncodeToString(sealedBytes);
    }

    /// <summary>Whether <paramref name="value"/> is an encrypted field, and under which key.</summary>
    public static bool TryGetKeyId([NotNullWhen(true)] string? value, out Guid keyId)
    {
        keyId = Guid.Empty;
        return value is not null
            && value.Length > Prefix.Length + KeyIdLength + 1
            && value.StartsWith(Prefix, StringComparison.Ordinal)
            && value[Prefix.Length + KeyIdLength] == ':'
            && Guid.TryParseExact(value.AsSpan(Prefix.Length, KeyIdLength), "N", out keyId);
    }

    /// <summary>The clear text, or <see langword="null"/> when it does not decrypt (wrong key, moved, edited).</summary>
    public static string? Decrypt(AesGcm aes, Guid eventId, string column, string value)
    {
        byte[] sealedBytes;
        try
        {
            sealedBytes = Base64Url.DecodeFromChars(value.AsSpan(Prefix.Length + KeyIdLength + 1));
        }
        catch (FormatException)
        {
            return null;
        }

        if (sealedBytes.Length < NonceSize + TagSize)
        {
            return null;
        }

        var length = sealedBytes.Length - NonceSize - TagSize;
        var plain = new byte[length];
        try
        {
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, length), sealedBytes.AsSpan(NonceSize + length, TagSize), plain,
                Aad(eventId, column));
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }

        return Encoding.UTF8.GetString(plain);
    }

    private static byte[] Aad(Guid eventId, string column) =>
        Encoding.ASCII.GetBytes(eventId.ToString("N", CultureInfo.InvariantCulture) + "|" + column);
}
