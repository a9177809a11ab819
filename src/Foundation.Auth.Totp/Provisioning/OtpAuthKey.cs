using Foundation.Auth.Totp.Otp;

namespace Foundation.Auth.Totp.Provisioning;

/// <summary>What an <c>otpauth://totp/</c> URI carries: who issued the key, for which account, the secret and the parameters.</summary>
public sealed class OtpAuthKey
{
    private readonly byte[] _secret;

    /// <summary>Creates the key from its parts (as <see cref="OtpAuthUri.TryParse"/> found them).</summary>
    /// <param name="issuer">The issuer, or <see langword="null"/> when the URI names none.</param>
    /// <param name="accountName">The account name.</param>
    /// <param name="secret">The shared secret; copied.</param>
    /// <param name="algorithm">The HMAC hash function.</param>
    /// <param name="digits">The number of digits.</param>
    /// <param name="periodSeconds">The period in seconds.</param>
    internal OtpAuthKey(string? issuer, string accountName, ReadOnlySpan<byte> secret, TotpAlgorithm algorithm, int digits, int periodSeconds)
    {
        Issuer = issuer;
        AccountName = accountName;
        _secret = secret.ToArray();
        Algorithm = algorithm;
        Digits = digits;
        PeriodSeconds = periodSeconds;
    }

    /// <summary>The issuer (the service, for example <c>Acme</c>), or <see langword="null"/> when the URI names none.</summary>
    public string? Issuer { get; }

    /// <summary>The account name (for example <c>ada@example.com</c>).</summary>
    public string AccountName { get; }

    /// <summary>The shared secret.</summary>
    public ReadOnlySpan<byte> Secret => _secret;

    /// <summary>The HMAC hash function; <see cref="TotpAlgorithm.Sha1"/> when the URI does not say.</summary>
    public TotpAlgorithm Algorithm { get; }

    /// <summary>The number of digits; 6 when the URI does not say.</summary>
    public int Digits { get; }

    /// <summary>The period in seconds; 30 when the URI does not say.</summary>
    public int PeriodSeconds { get; }
}
