using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Foundation.Audit.PersonalData;

/// <summary>
/// Encrypts the personal fields of events with AES-256-GCM (System.Security.Cryptography) under a subject's data key. Two stored formats
/// (docs/decisions/0022): the current one, <c>enc2</c>, seals all four personal fields of an event as one value (one AES-GCM operation per
/// event): <c>details</c> holds <c>enc2:&lt;key id, 32 hex&gt;:&lt;base64url(nonce | ciphertext | tag)&gt;</c> whose plaintext is the four
/// fields (actor_user_id, client_ip, user_agent, details) in the canonical form's length-prefixed encoding (<c>&lt;n&gt;:&lt;value&gt;\n</c>
/// or <c>~\n</c>), with associated data <c>&lt;event id, 32 hex&gt;|enc2</c>; each other personal column that has a value holds only the
/// marker <c>enc2:&lt;key id&gt;:</c>. The older <c>enc1</c> (still read) encrypted each field alone: <c>enc1:&lt;key id&gt;:&lt;base64url(nonce |
/// ciphertext | tag)&gt;</c>, associated data <c>&lt;event id, 32 hex&gt;|&lt;column&gt;</c>. Either way a ciphertext moved to another event (or
/// column) does not decrypt, and the chain hashes the stored text as it hashes any other value.
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
    public const string Prefix2 = "enc2:";
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

    /// <summary>The <c>enc2</c> prefix of a key: the whole stored value of a marker column, the start of the sealed <c>details</c>.</summary>
    public static string KeyPrefix2(Guid keyId) => Prefix2 + keyId.ToString("N", CultureInfo.InvariantCulture) + ":";

    /// <summary>The associated-data suffix of an <c>enc2</c> value.</summary>
    public static ReadOnlySpan<byte> Enc2Suffix => "|enc2"u8;

    /// <summary>Whether <paramref name="value"/> is stored in the <c>enc2</c> format (a marker or the sealed value).</summary>
    public static bool IsEnc2(string? value) => value is not null && value.StartsWith(Prefix2, StringComparison.Ordinal);

    /// <summary>
    /// Seals the four personal fields of one event as one <c>enc2</c> value (one AES-GCM operation) with <paramref name="nonce"/> (12
    /// random bytes never used before under this key).
    /// </summary>
    public static string EncryptFields(AesGcm aes, string keyPrefix2, Guid eventId, string? actorUserId, string? clientIp, string? userAgent, string? details,
        ReadOnlySpan<byte> nonce)
    {
        var plainLength = FieldLength(actorUserId) + FieldLength(clientIp) + FieldLength(userAgent) + FieldLength(details);
        byte[]? rented = null;
        var plain = plainLength <= StackLimit ? stackalloc byte[plainLength] : (rented = ArrayPool<byte>.Shared.Rent(plainLength)).AsSpan(0, plainLength);
        try
        {
            var written = WriteField(actorUserId, plain);
            written += WriteField(clientIp, plain[written..]);
            written += WriteField(userAgent, plain[written..]);
            WriteField(details, plain[written..]);
            Span<byte> aad = stackalloc byte[KeyIdLength + 8];
            var aadLength = Aad(eventId, Enc2Suffix, aad);
            return Seal(aes, keyPrefix2, aad[..aadLength], plain, nonce);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Opens an <c>enc2</c> value; <see langword="false"/> when it does not decrypt (wrong key, moved, edited) or is malformed.</summary>
    public static bool TryDecryptFields(AesGcm aes, Guid eventId, string value, out string? actorUserId, out string? clientIp, out string? userAgent, out string? details)
    {
        actorUserId = clientIp = userAgent = details = null;
        Span<byte> aad = stackalloc byte[KeyIdLength + 8];
        var aadLength = Aad(eventId, Enc2Suffix, aad);
        if (Open(aes, value, aad[..aadLength]) is not { } plain)
        {
            return false;
        }

        ReadOnlySpan<byte> rest = plain;
        var ok = ReadField(ref rest, out actorUserId) && ReadField(ref rest, out clientIp) && ReadField(ref rest, out userAgent) && ReadField(ref rest, out details)
            && rest.IsEmpty;
        CryptographicOperations.ZeroMemory(plain);
        if (!ok)
        {
            actorUserId = clientIp = userAgent = details = null;
        }

        return ok;
    }

    private static int FieldLength(string? value) =>
        value is null ? 2 : Encoding.UTF8.GetByteCount(value) is var n ? DigitCount(n) + n + 2 : 0;

    private static int DigitCount(int n)
    {
        var digits = 1;
        while (n >= 10)
        {
            n /= 10;
            digits++;
        }

        return digits;
    }

    private static int WriteField(string? value, Span<byte> destination)
    {
        if (value is null)
        {
            destination[0] = (byte)'~';
            destination[1] = (byte)'\n';
            return 2;
        }

        var count = Encoding.UTF8.GetByteCount(value);
        count.TryFormat(destination, out var written, default, CultureInfo.InvariantCulture);
        destination[written++] = (byte)':';
        written += Encoding.UTF8.GetBytes(value, destination[written..]);
        destination[written++] = (byte)'\n';
        return written;
    }

    private static bool ReadField(ref ReadOnlySpan<byte> rest, out string? value)
    {
        value = null;
        if (rest.Length >= 2 && rest[0] == (byte)'~' && rest[1] == (byte)'\n')
        {
            rest = rest[2..];
            return true;
        }

        var colon = rest.IndexOf((byte)':');
        if (colon <= 0 || !int.TryParse(rest[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || rest.Length < colon + 1 + count + 1 || rest[colon + 1 + count] != (byte)'\n')
        {
            return false;
        }

        value = Encoding.UTF8.GetString(rest.Slice(colon + 1, count));
        rest = rest[(colon + count + 2)..];
        return true;
    }

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
        byte[]? rented = null;
        var plain = plainLength <= StackLimit ? stackalloc byte[plainLength] : (rented = ArrayPool<byte>.Shared.Rent(plainLength)).AsSpan(0, plainLength);
        try
        {
            Encoding.UTF8.GetBytes(plaintext, plain);
            return Seal(aes, keyPrefix, aad[..aadLength], plain, nonce);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary><paramref name="keyPrefix"/> followed by base64url(nonce | ciphertext | tag), built in one string allocation.</summary>
    private static string Seal(AesGcm aes, string keyPrefix, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plain, ReadOnlySpan<byte> nonce)
    {
        if (nonce.Length != NonceSize)
        {
            throw new ArgumentException("The nonce must be 12 bytes.", nameof(nonce));
        }

        var sealedLength = NonceSize + plain.Length + TagSize;
        byte[]? rented = null;
        var sealedBytes = sealedLength <= StackLimit ? stackalloc byte[sealedLength] : (rented = ArrayPool<byte>.Shared.Rent(sealedLength)).AsSpan(0, sealedLength);
        char[]? rentedChars = null;
        try
        {
            nonce.CopyTo(sealedBytes);
            aes.Encrypt(nonce, plain, sealedBytes.Slice(NonceSize, plain.Length), sealedBytes.Slice(NonceSize + plain.Length, TagSize), aad);

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
            && (value.Length > KeyPrefixLength || (value.Length == KeyPrefixLength && value.StartsWith(Prefix2, StringComparison.Ordinal)))
            && (value.StartsWith(Prefix, StringComparison.Ordinal) || value.StartsWith(Prefix2, StringComparison.Ordinal))
            && value[Prefix.Length + KeyIdLength] == ':'
            && Guid.TryParseExact(value.AsSpan(Prefix.Length, KeyIdLength), "N", out keyId);
    }

    /// <summary>The clear text of an <c>enc1</c> value, or <see langword="null"/> when it does not decrypt (wrong key, moved, edited).</summary>
    public static string? Decrypt(AesGcm aes, Guid eventId, string column, string value)
    {
        if (!value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        Span<byte> aad = stackalloc byte[KeyIdLength + 1 + column.Length];
        "|"u8.CopyTo(aad[KeyIdLength..]);
        Encoding.ASCII.GetBytes(column, aad[(KeyIdLength + 1)..]);
        eventId.TryFormat(aad, out _, "N");
        return Open(aes, value, aad) is { } plain ? Encoding.UTF8.GetString(plain) : null;
    }

    private static byte[]? Open(AesGcm aes, string value, ReadOnlySpan<byte> aad)
    {
        if (value.Length <= KeyPrefixLength)
        {
            return null;
        }

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
        try
        {
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, length), sealedBytes.AsSpan(NonceSize + length, TagSize), plain, aad);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }

        return plain;
    }

    /// <summary>Writes <c>&lt;event id, 32 lower-case hex&gt;|&lt;column&gt;</c> (the associated data) into <paramref name="destination"/>.</summary>
    private static int Aad(Guid eventId, ReadOnlySpan<byte> columnSuffix, Span<byte> destination)
    {
        eventId.TryFormat(destination, out var written, "N");
        columnSuffix.CopyTo(destination[written..]);
        return written + columnSuffix.Length;
    }
}
