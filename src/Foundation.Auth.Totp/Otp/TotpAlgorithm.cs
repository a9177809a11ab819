namespace Foundation.Auth.Totp.Otp;

/// <summary>The HMAC hash function of a one-time password (RFC 6238 section 1.2; <c>algorithm</c> in an otpauth URI).</summary>
public enum TotpAlgorithm
{
    /// <summary>HMAC-SHA-1: RFC 4226's function and what every authenticator app supports. Secrets of 20 bytes.</summary>
    Sha1 = 0,

    /// <summary>HMAC-SHA-256 (RFC 6238). Secrets of 32 bytes. Not every authenticator app honours it.</summary>
    Sha256 = 1,

    /// <summary>HMAC-SHA-512 (RFC 6238). Secrets of 64 bytes. Not every authenticator app honours it.</summary>
    Sha512 = 2,
}
