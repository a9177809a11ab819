using System.Globalization;
using System.Security.Cryptography;
using Foundation.Auth.Totp.Internal;
using OtpNet;

namespace Foundation.Auth.Totp.Otp;

/// <summary>
/// HOTP, the HMAC-based one-time password of RFC 4226, computed by Otp.NET (<see cref="OtpNet.Hotp"/>): HMAC(secret, counter)
/// with the counter as 8 bytes big-endian, dynamic truncation to 31 bits (section 5.3), and the result modulo
/// 10^digits, left-padded with zeros.
/// </summary>
/// <remarks>
/// <para>
/// This class checks the arguments (so every entry point refuses the same things with the same words) and hands the
/// computation to Otp.NET, which uses the BCL's HMAC. It keeps no state.
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
        OtpArguments.Secret(secret);
        ArgumentOutOfRangeException.ThrowIfNegative(counter);
        OtpArguments.Digits(digits);
        OtpArguments.Algorithm(algorithm);
        return ComputeUnchecked(secret, counter, digits, algorithm);
    }

    /// <summary>Computes the code for <paramref name="counter"/> into <paramref name="destination"/>.</summary>
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
        var code = Compute(secret, counter, digits, algorithm);
        if (destination.Length < digits)
        {
            charsWritten = 0;
            return false;
        }

        code.AsSpan().CopyTo(destination);
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
    public static int ComputeValue(ReadOnlySpan<byte> secret, long counter, int digits, TotpAlgorithm algorithm) =>
        int.Parse(Compute(secret, counter, digits, algorithm), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>The code through Otp.NET, for arguments already checked; the copy of the key is wiped afterwards.</summary>
    internal static string ComputeUnchecked(ReadOnlySpan<byte> secret, long counter, int digits, TotpAlgorithm algorithm)
    {
        var key = secret.ToArray();
        try
        {
            return new OtpNet.Hotp(key, ToHashMode(algorithm), digits).ComputeHOTP(counter);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Otp.NET's name for <paramref name="algorithm"/> (already checked).</summary>
    internal static OtpHashMode ToHashMode(TotpAlgorithm algorithm) => algorithm switch
    {
        TotpAlgorithm.Sha1 => OtpHashMode.Sha1,
        TotpAlgorithm.Sha256 => OtpHashMode.Sha256,
        _ => OtpHashMode.Sha512,
    };
}
