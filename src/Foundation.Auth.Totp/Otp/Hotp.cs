using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Foundation.Auth.Totp.Internal;

namespace Foundation.Auth.Totp.Otp;

/// <summary>
/// HOTP, the HMAC-based one-time password of RFC 4226: HMAC(secret, counter) with the counter as 8 bytes big-endian,
/// dynamic truncation to 31 bits (section 5.3), and the result modulo 10^digits, left-padded with zeros.
/// </summary>
/// <remarks>
/// <para>
/// The HMAC is computed with the one-shot <see cref="HMACSHA1.HashData(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>
/// (and its SHA-256/SHA-512 siblings) into stack memory: no HMAC object and no heap allocation per code, except the
/// <see cref="string"/> that <see cref="Compute"/> returns. <see cref="TryCompute"/> and <see cref="ComputeValue"/> allocate nothing.
/// </para>
/// <para>
/// The secret is used as given (any non-empty length; RFC 4226 asks for at least 16 bytes and recommends 20, which is what
/// <see cref="TotpSecret.Generate"/> makes for SHA-1). Codes have 6, 7 or 8 digits.
/// </para>
/// </remarks>
public static class Hotp
{
    /// <summary>The fewest digits of a code: 6.</summary>
    public const int MinDigits = OtpArguments.MinDigits;

    /// <summary>The most digits of a code: 8.</summary>
    public const int MaxDigits = OtpArguments.MaxDigits;

    private const int MaxHashBytes = 64;

    /// <summary>Computes the code for <paramref name="counter"/> as a string of exactly <paramref name="digits"/> ASCII digits.</summary>
    /// <param name="secret">The shared secret (the key of the HMAC); not empty.</param>
    /// <param name="counter">The moving factor; not negative (RFC 4226 treats it as an unsigned 8-byte number).</param>
    /// <param name="digits">The length of the code: 6 to 8.</param>
    /// <param name="algorithm">The HMAC hash function.</param>
    /// <returns>The code, for example <c>"755224"</c> (RFC 4226 Appendix D, counter 0).</returns>
    /// <exception cref="ArgumentException"><paramref name="secret"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="counter"/>, <paramref name="digits"/> or <paramref name="algorithm"/> is out of range.</exception>
    public static string Compute(ReadOnlySpan<byte> secret, long counter, int digits, TotpAlgorithm algorithm)
    {
        var value = ComputeValue(secret, counter, digits, algorithm);
        return string.Create(digits, value, static (chars, v) => WriteDigits(v, chars));
    }

    /// <summary>Computes the code for <paramref name="counter"/> into <paramref name="destination"/> without allocating.</summary>
    /// <param name="secret">The shared secret (the key of the HMAC); not empty.</param>
    /// <param name="counter">The moving factor; not negative.</param>
    /// <param name="digits">The length of the code: 6 to 8.</param>
    /// <param name="algorithm">The HMAC hash function.</param>
    /// <param name="destination">Where the ASCII digits go.</param>
    /// <param name="charsWritten"><paramref name="digits"/> on success, 0 when <paramref name="destination"/> is too short.</param>
    /// <returns><see langword="false"/> only when <paramref name="destination"/> is shorter than <paramref name="digits"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="secret"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="counter"/>, <paramref name="digits"/> or <paramref name="algorithm"/> is out of range.</exception>
    public static bool TryCompute(ReadOnlySpan<byte> secret, long counter, int digits, TotpAlgorithm algorithm, Span<char> destination, out int charsWritten)
    {
        var value = ComputeValue(secret, counter, digits, algorithm);
        if (destination.Length < digits)
        {
            charsWritten = 0;
            return false;
        }

        WriteDigits(value, destination[..digits]);
        charsWritten = digits;
        return true;
    }

    /// <summary>
    /// Computes the code for <paramref name="counter"/> as a number (RFC 4226's <c>Snum mod 10^Digit</c>); format it with
    /// leading zeros to <paramref name="digits"/> places to show it.
    /// </summary>
    /// <param name="secret">The shared secret (the key of the HMAC); not empty.</param>
    /// <param name="counter">The moving factor; not negative.</param>
    /// <param name="digits">The length of the code: 6 to 8.</param>
    /// <param name="algorithm">The HMAC hash function.</param>
    /// <returns>A number from 0 to 10^<paramref name="digits"/> - 1.</returns>
    /// <exception cref="ArgumentException"><paramref name="secret"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="counter"/>, <paramref name="digits"/> or <paramref name="algorithm"/> is out of range.</exception>
    public static int ComputeValue(ReadOnlySpan<byte> secret, long counter, int digits, TotpAlgorithm algorithm)
    {
        OtpArguments.Secret(secret);
        ArgumentOutOfRangeException.ThrowIfNegative(counter);
        OtpArguments.Digits(digits);
        OtpArguments.Algorithm(algorithm);
        return ComputeValueUnchecked(secret, counter, digits, algorithm);
    }

    /// <summary>The 31-bit number of RFC 4226 section 5.3 (before the modulo), for arguments already checked.</summary>
    internal static int Truncate(ReadOnlySpan<byte> secret, long counter, TotpAlgorithm algorithm)
    {
        if (!LaneHmac.IsSupported)
        {
            return TruncateOneShot(secret, counter, algorithm);
        }

        Span<ulong> keyState = stackalloc ulong[LaneHmac.KeyStateWords];
        Span<byte> message = stackalloc byte[sizeof(long)];
        Span<byte> hash = stackalloc byte[LaneHmac.MaxHashBytes];
        LaneHmac.PrepareKey(secret, algorithm, keyState);
        BinaryPrimitives.WriteInt64BigEndian(message, counter);
        LaneHmac.Compute(algorithm, keyState, message, sizeof(long), 1, hash);
        var result = DynamicTruncation(hash[..LaneHmac.HashBytes(algorithm)]);
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(keyState));
        CryptographicOperations.ZeroMemory(hash);
        return result;
    }

    /// <summary>
    /// <see cref="Truncate"/> on the BCL's one-shot HMAC (OpenSSL on Linux): the path where vectors are not
    /// hardware-accelerated, and the reference the managed HMAC is tested and benchmarked against.
    /// </summary>
    internal static int TruncateOneShot(ReadOnlySpan<byte> secret, long counter, TotpAlgorithm algorithm)
    {
        Span<byte> message = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(message, counter);
        Span<byte> hash = stackalloc byte[MaxHashBytes];
        // CA5350: HMAC-SHA-1 is what RFC 4226 specifies and every authenticator app supports; as an HMAC (not a bare
        // hash) it is not weakened by SHA-1's collision attacks (RFC 4226 Appendix A, RFC 6151 section 3).
#pragma warning disable CA5350
        var length = algorithm switch
        {
            TotpAlgorithm.Sha1 => HMACSHA1.HashData(secret, message, hash),
            TotpAlgorithm.Sha256 => HMACSHA256.HashData(secret, message, hash),
            _ => HMACSHA512.HashData(secret, message, hash),
        };
#pragma warning restore CA5350

        var result = DynamicTruncation(hash[..length]);
        CryptographicOperations.ZeroMemory(hash);
        return result;
    }

    /// <summary>
    /// Dynamic truncation of RFC 4226 section 5.3: the low 4 bits of the last byte pick 4 bytes; the top bit is masked off.
    /// </summary>
    internal static int DynamicTruncation(ReadOnlySpan<byte> hmac)
    {
        var offset = hmac[^1] & 0x0F;
        return BinaryPrimitives.ReadInt32BigEndian(hmac.Slice(offset, 4)) & 0x7FFF_FFFF;
    }

    /// <summary>The code as a number, for arguments already checked.</summary>
    internal static int ComputeValueUnchecked(ReadOnlySpan<byte> secret, long counter, int digits, TotpAlgorithm algorithm) =>
        Truncate(secret, counter, algorithm) % PowerOfTen(digits);

    /// <summary>Writes <paramref name="value"/> as exactly <c>destination.Length</c> ASCII digits, left-padded with zeros.</summary>
    internal static void WriteDigits(int value, Span<char> destination)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (char)('0' + (value % 10));
            value /= 10;
        }
    }

    /// <summary>Writes <paramref name="value"/> as exactly <c>destination.Length</c> ASCII digit bytes, left-padded with zeros.</summary>
    internal static void WriteDigits(int value, Span<byte> destination)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }

    internal static int PowerOfTen(int digits) => digits switch
    {
        6 => 1_000_000,
        7 => 10_000_000,
        _ => 100_000_000,
    };
}
