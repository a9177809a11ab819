using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Foundation.Audit.PersonalData;

/// <summary>
/// Encrypts one personal field of one event with AES-256-GCM (System.Security.Cryptography) under a subject's data key. The stored text is
/// <c>enc1:&lt;key id, 32 hex&gt;:&lt;base64url(nonce | ciphertext | tag)&gt;</c>; the associated data (<c>&lt;event id, 32 hex&gt;|&lt;column&gt;</c>,
/// ASCII) binds it to the event id and the column, so a ciphertext moved to another event or column does not decrypt. The chain hashes
/// this text as it hashes any other value.
/// </summary>
/// <remarks>
/// Every encryption uses a fresh 96-bit random nonce. The appender draws the nonces of a whole batch with one call to
/// <see cref="RandomNumberGenerator"/> (a 12-byte draw costs as much as a 48,000-byte one) and hands each field its own 12-byte slice:
/// the slices are independent uniformly random values exactly as separate draws would be, so the collision bound is the usual one for
/// random GCM nonces (NIST SP 800-38D: at most 2^32 encryptions per key; a key here is one person's in one tenant).
/// </remarks>
internal static class AuditFieldCipher
{
    public const string Prefix = "enc1:";
    public const int NonceSize = 12;
    private const int TagSize = 16;
    private const int KeyIdLength = 32;
    private const int KeyPrefixLength = 5 + KeyIdLength + 1;
    private const int StackLimit = 512;

    /// <summary>The associated-data suffixes of the encrypted columns (<c>|&lt;column&gt;</c>).</summary>
    public static ReadOnlySpan<byte> ActorUserId => "|actor_user_id"u8;

    /// <inheritdoc cref="ActorUserId"/>
    public static ReadOnlySpan<byte> ClientIp => "|client_ip"u8;

    /// <inheritdoc cref="ActorUserId"/>
    public static ReadOnlySpan<byte> UserAgent => "|user_agent"u8;

    /// <inheritdoc cref="ActorUserId"/>
    public static ReadOnlySpan<byte> Details => "|details"u8;

    public static string KeyPrefix(Guid keyId) => Prefix + keyId.ToString("N", CultureInfo.InvariantCulture) + ":";

    /// <summary>Encrypts with a nonce of its own (one random draw per call; the appender uses the overload taking a nonce).</summary>
    public static string Encrypt(AesGcm aes, Guid keyId, Guid eventId, string column, string plaintext)
    {
        Span<byte> nonce = stackalloc byte[NonceSize];
        RandomNumberGenerator.Fill(nonce);
        return Encrypt(aes, KeyPrefix(keyId), eventId, Encoding.ASCII.GetBytes("|" + column), plaintext, nonce);
    }

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> under <paramref name="aes"/> with <paramref name="nonce"/> (12 random bytes never used
    /// before under this key), writing the stored text in one allocation.
    /// </summary>
    /// <param name="aes">The subject's data key.</param>
    /// <param name="keyPrefix"><see cref="KeyPrefix"/> of the key's id.</param>
    /// <param name="eventId">The event the field belongs to (associated data).</param>
    /// <param name="columnSuffix"><c>|&lt;column&gt;</c> in ASCII, e.g. <see cref="ClientIp"/> (associated data).</param>
    /// <param name="plaintext">The field's clear text.</param>
    /// <param name="nonce">12 random bytes used for this encryption only.</param>
    public static string Encrypt(AesGcm aes, string keyPrefix, Guid eventId, ReadOnlySpan<byte> columnSuffix, string plaintext, ReadOnlySpan<byte> nonce)
    {
        if (nonce.Length != NonceSize)
        {
            throw new ArgumentException("The nonce must be 12 bytes.", nameof(nonce));
        }

        Span<byte> aad = stackalloc byte[KeyIdLength + 32];
        var aadLength = Aad(eventId, columnSuffix, aad);

        var plainLength = Encoding.UTF8.GetByteCount(plaintext);
        var sealedLength = NonceSize + plainLength + TagSize;
        byte[]? rented = null;
        var buffer = plainLength + sealedLength <= StackLimit
            ? stackalloc byte[plainLength + sealedLength]
            : (rented = ArrayPool<byte>.Shared.Rent(plainLength + sealedLength));
        char[]? rentedChars = null;
        try
        {
            var plain = buffer[..plainLength];
            Encoding.UTF8.GetBytes(plaintext, plain);
            var sealedBytes = buffer.Slice(plainLength, sealedLength);
            nonce.CopyTo(sealedBytes);
            aes.Encrypt(nonce, plain, sealedBytes.Slice(NonceSize, plainLength), sealedBytes.Slice(NonceSize + plainLength, TagSize), aad[..aadLength]);
            CryptographicOperations.ZeroMemory(plain);

            var textLength = keyPrefix.Length + Base64Url.GetEncodedLength(sealedLength);
            var text = textLength <= StackLimit ? stackalloc char[textLength] : (rentedChars = ArrayPool<char>.Shared.Rent(textLength));
            keyPrefix.CopyTo(text);
            var encoded = Base64Url.EncodeToChars(sealedBytes, text[keyPrefix.Length..]);
            return new string(text[..(keyPrefix.Length + encoded)]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }

            if (rentedChars is not null)
            {
                ArrayPool<char>.Shared.Return(rentedChars);
            }
        }
    }

    /// <summary>Whether <paramref name="value"/> is an encrypted field, and under which key.</summary>
    public static bool TryGetKeyId([NotNullWhen(true)] string? value, out Guid keyId)
    {
        keyId = Guid.Empty;
        return value is not null
            && value.Length > KeyPrefixLength
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
            sealedBytes = Base64Url.DecodeFromChars(value.AsSpan(KeyPrefixLength));
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
        Span<byte> aad = stackalloc byte[KeyIdLength + 1 + column.Length];
        "|"u8.CopyTo(aad[KeyIdLength..]);
        Encoding.ASCII.GetBytes(column, aad[(KeyIdLength + 1)..]);
        eventId.TryFormat(aad, out _, "N");
        try
        {
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, length), sealedBytes.AsSpan(NonceSize + length, TagSize), plain, aad);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }

        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>Writes <c>&lt;event id, 32 lower-case hex&gt;|&lt;column&gt;</c> (the associated data) into <paramref name="destination"/>.</summary>
    private static int Aad(Guid eventId, ReadOnlySpan<byte> columnSuffix, Span<byte> destination)
    {
        eventId.TryFormat(destination, out var written, "N");
        columnSuffix.CopyTo(destination[written..]);
        return written + columnSuffix.Length;
    }
}
