using System.Security.Cryptography;
using Foundation.Auth.Totp.Internal;

namespace Foundation.Auth.Totp.Otp;

/// <summary>Makes shared secrets for HOTP/TOTP from the operating system's cryptographic random number generator.</summary>
public static class TotpSecret
{
    /// <summary>
    /// The secret length for <paramref name="algorithm"/>, in bytes: the hash's output size, as RFC 6238's reference seeds
    /// use (20 for SHA-1, 32 for SHA-256, 64 for SHA-512). HMAC gains nothing from a longer key of up to one block.
    /// </summary>
    /// <param name="algorithm">The HMAC hash function.</param>
    /// <returns>20, 32 or 64.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="algorithm"/> is not a defined value.</exception>
    public static int GetLength(TotpAlgorithm algorithm)
    {
        OtpArguments.Algorithm(algorithm);
        return algorithm switch
        {
            TotpAlgorithm.Sha1 => 20,
            TotpAlgorithm.Sha256 => 32,
            _ => 64,
        };
    }

    /// <summary>Returns a new secret of <see cref="GetLength"/> bytes from <see cref="RandomNumberGenerator"/>.</summary>
    /// <param name="algorithm">The HMAC hash function the secret is for.</param>
    /// <returns>A new array the caller owns (encrypt it at rest; show it once as Base32 or in a QR code).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="algorithm"/> is not a defined value.</exception>
    public static byte[] Generate(TotpAlgorithm algorithm = TotpAlgorithm.Sha1) =>
        RandomNumberGenerator.GetBytes(GetLength(algorithm));
}
