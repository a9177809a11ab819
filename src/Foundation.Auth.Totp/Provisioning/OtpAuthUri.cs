using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using Foundation.Auth.Totp.Internal;
using Foundation.Auth.Totp.Otp;
using TotpCode = Foundation.Auth.Totp.Otp.Totp;

namespace Foundation.Auth.Totp.Provisioning;

/// <summary>
/// Writes and reads <c>otpauth://totp/</c> URIs in Google Authenticator's Key Uri Format, the text inside the QR code that
/// authenticator apps scan.
/// </summary>
/// <remarks>
/// <para>
/// The form written: <c>otpauth://totp/Issuer:account?secret=BASE32&amp;issuer=Issuer&amp;algorithm=SHA1&amp;digits=6&amp;period=30</c>.
/// The label's issuer and account name are each percent-encoded with <see cref="Uri.EscapeDataString(string)"/> (UTF-8; everything
/// but <c>A-Z a-z 0-9 - . _ ~</c> is escaped, so a space is <c>%20</c>, <c>@</c> is <c>%40</c>, <c>&amp;</c> is <c>%26</c>);
/// the colon between them is written literally: the format allows a literal or an encoded colon, its own examples use the
/// literal one, and every app reads it. The issuer is repeated as the <c>issuer</c> parameter, which the format strongly
/// recommends (apps use it to pick an icon and to keep keys of different services apart). The secret is Base32 without
/// padding, as the format asks. <c>algorithm</c>, <c>digits</c> and <c>period</c> are always written, even at their
/// defaults; note that some apps ignore them and always use SHA-1, 6 digits and 30 seconds, so anything else is only for
/// apps known to honour it.
/// </para>
/// <para>
/// Neither the issuer nor the account name may contain a colon (the format forbids it: the label would be ambiguous),
/// control characters, or white space at either end (apps strip spaces before the account name); both must be non-empty,
/// the issuer at most <see cref="MaxIssuerLength"/> characters and the account name at most
/// <see cref="MaxAccountNameLength"/>.
/// </para>
/// </remarks>
public static class OtpAuthUri
{
    /// <summary>The most characters of an issuer: 100.</summary>
    public const int MaxIssuerLength = 100;

    /// <summary>The most characters of an account name: 254 (the longest email address).</summary>
    public const int MaxAccountNameLength = 254;

    private const string Prefix = "otpauth://totp/";

    /// <summary>Writes the otpauth URI of a TOTP key.</summary>
    /// <param name="issuer">The service, for example <c>Acme</c>; shown by the app above the code.</param>
    /// <param name="accountName">The user's account, for example <c>ada@example.com</c>.</param>
    /// <param name="secret">The shared secret; not empty.</param>
    /// <param name="algorithm">The HMAC hash function.</param>
    /// <param name="digits">The number of digits: 6 to 8.</param>
    /// <param name="periodSeconds">The period in seconds; positive.</param>
    /// <returns>The URI, ASCII only.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="issuer"/> or <paramref name="accountName"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The issuer or account name is empty, too long, or contains a colon, a control
    /// character or white space at an end; or <paramref name="secret"/> is empty. The message names the parameter.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="algorithm"/>, <paramref name="digits"/> or <paramref name="periodSeconds"/> is out of range.</exception>
    public static string Create(
        string issuer,
        string accountName,
        ReadOnlySpan<byte> secret,
        TotpAlgorithm algorithm = TotpAlgorithm.Sha1,
        int digits = TotpCode.DefaultDigits,
        int periodSeconds = TotpCode.DefaultPeriodSeconds)
    {
        CheckLabelPart(issuer, MaxIssuerLength);
        CheckLabelPart(accountName, MaxAccountNameLength);
        OtpArguments.Secret(secret);
        OtpArguments.Algorithm(algorithm);
        OtpArguments.Digits(digits);
        OtpArguments.Period(periodSeconds);

        var escapedIssuer = Uri.EscapeDataString(issuer);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{Prefix}{escapedIssuer}:{Uri.EscapeDataString(accountName)}?secret={Encoding.Base32.Encode(secret)}&issuer={escapedIssuer}&algorithm={Name(algorithm)}&digits={digits}&period={periodSeconds}");
    }

    /// <summary>
    /// Reads an <c>otpauth://totp/</c> URI. Accepts what <see cref="Create"/> writes and the format's variants: an encoded
    /// colon (<c>%3A</c>) in the label, spaces before the account name, a label without issuer, a missing <c>issuer</c>
    /// parameter, parameters in any order, missing <c>algorithm</c>/<c>digits</c>/<c>period</c> (SHA-1, 6, 30), a secret
    /// in any case or padded, <c>+</c> for a space in parameter values, and unknown parameters (ignored).
    /// </summary>
    /// <param name="uri">The URI.</param>
    /// <param name="key">The key on success.</param>
    /// <returns>
    /// <see langword="false"/> for anything else: another scheme or type (<c>hotp</c>), no account name, no or invalid secret,
    /// a parameter given twice, an unknown algorithm, digits outside 6 to 8, a period that is not a positive integer, or an
    /// issuer in the label that differs from the <c>issuer</c> parameter.
    /// </returns>
    public static bool TryParse([NotNullWhen(true)] string? uri, [NotNullWhen(true)] out OtpAuthKey? key)
    {
        key = null;
        if (uri is null || !uri.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = uri.AsSpan(Prefix.Length);
        var fragment = rest.IndexOf('#');
        if (fragment >= 0)
        {
            rest = rest[..fragment];
        }

        var queryStart = rest.IndexOf('?');
        var label = queryStart >= 0 ? rest[..queryStart] : rest;
        var query = queryStart >= 0 ? rest[(queryStart + 1)..] : [];

        if (!TryUnescape(label, plusIsSpace: false, out var decodedLabel))
        {
            return false;
        }

        string? labelIssuer = null;
        var account = decodedLabel;
        var colon = decodedLabel.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            labelIssuer = decodedLabel[..colon];
            account = decodedLabel[(colon + 1)..].TrimStart(' ');
        }

        if (account.Length == 0 || account.Contains(':', StringComparison.Ordinal) || labelIssuer is { Length: 0 })
        {
            return false;
        }

        string? secretText = null, issuer = null, algorithmText = null, digitsText = null, periodText = null;
        foreach (var range in query.Split('&'))
        {
            var pair = query[range];
            if (pair.IsEmpty)
            {
                continue;
            }

            var equals = pair.IndexOf('=');
            var name = equals >= 0 ? pair[..equals] : pair;
            if (!TryUnescape(equals >= 0 ? pair[(equals + 1)..] : [], plusIsSpace: true, out var value))
            {
                return false;
            }

            var accepted = name switch
            {
                "secret" => Assign(ref secretText, value),
                "issuer" => Assign(ref issuer, value),
                "algorithm" => Assign(ref algorithmText, value),
                "digits" => Assign(ref digitsText, value),
                "period" => Assign(ref periodText, value),
                _ => true,
            };
            if (!accepted)
            {
                return false;
            }
        }

        if (labelIssuer is not null && issuer is not null && !string.Equals(labelIssuer, issuer, StringComparison.Ordinal))
        {
            return false;
        }

        if (!Encoding.Base32.TryDecode(secretText, out var secret) || secret.Length == 0
            || !TryParseAlgorithm(algorithmText, out var algorithm)
            || !TryParseInt(digitsText, TotpCode.DefaultDigits, out var digits) || digits is < Hotp.MinDigits or > Hotp.MaxDigits
            || !TryParseInt(periodText, TotpCode.DefaultPeriodSeconds, out var period) || period <= 0)
        {
            return false;
        }

        key = new OtpAuthKey(issuer ?? labelIssuer, account, secret, algorithm, digits, period);
        return true;
    }

    /// <summary>The name of <paramref name="algorithm"/> in an otpauth URI: <c>SHA1</c>, <c>SHA256</c> or <c>SHA512</c>.</summary>
    /// <param name="algorithm">The HMAC hash function.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="algorithm"/> is not a defined value.</exception>
    public static string Name(TotpAlgorithm algorithm)
    {
        OtpArguments.Algorithm(algorithm);
        return algorithm switch
        {
            TotpAlgorithm.Sha1 => "SHA1",
            TotpAlgorithm.Sha256 => "SHA256",
            _ => "SHA512",
        };
    }

    private static void CheckLabelPart(string value, int maxLength, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (value.Length == 0)
        {
            throw new ArgumentException("The value is empty.", name);
        }

        if (value.Length > maxLength)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The value has {value.Length} characters; at most {maxLength} are allowed."),
                name);
        }

        if (value.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException("The value contains a colon (':'), which the Key Uri Format forbids in the issuer and the account name: it separates them in the label.", name);
        }

        if (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
        {
            throw new ArgumentException("The value starts or ends with white space, which authenticator apps strip.", name);
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsControl(c))
            {
                throw new ArgumentException("The value contains a control character.", name);
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                throw new ArgumentException("The value contains a lone surrogate (ill-formed UTF-16), which has no UTF-8 encoding.", name);
            }
        }
    }

    private static bool Assign(ref string? field, string value)
    {
        if (field is not null)
        {
            return false;
        }

        field = value;
        return true;
    }

    private static bool TryUnescape(ReadOnlySpan<char> text, bool plusIsSpace, out string value)
    {
        var raw = plusIsSpace ? text.ToString().Replace('+', ' ') : text.ToString();
        try
        {
            value = Uri.UnescapeDataString(raw);
            return true;
        }
        catch (UriFormatException)
        {
            value = string.Empty;
            return false;
        }
    }

    private static bool TryParseAlgorithm(string? text, out TotpAlgorithm algorithm)
    {
        algorithm = TotpAlgorithm.Sha1;
        if (text is null || string.Equals(text, "SHA1", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (string.Equals(text, "SHA256", StringComparison.OrdinalIgnoreCase))
        {
            algorithm = TotpAlgorithm.Sha256;
            return true;
        }

        if (string.Equals(text, "SHA512", StringComparison.OrdinalIgnoreCase))
        {
            algorithm = TotpAlgorithm.Sha512;
            return true;
        }

        return false;
    }

    private static bool TryParseInt(string? text, int fallback, out int value)
    {
        if (text is null)
        {
            value = fallback;
            return true;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
