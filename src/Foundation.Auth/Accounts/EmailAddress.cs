using System.Globalization;
using System.Text;
using Foundation.Text;

namespace Foundation.Auth.Accounts;

/// <summary>
/// Checks and normalises email addresses: the one place registration, login and every lookup get an address's form from.
/// </summary>
/// <remarks>
/// <para>
/// The address is trimmed and brought to Unicode NFKC, so full-width or other compatibility forms
/// (<c>ａｄａ＠ｅｘａｍｐｌｅ．ｃｏｍ</c>) are the address they look like. It is refused when it contains a character that
/// <see cref="DisplayText"/> refuses (control, zero-width, bidirectional or other invisible characters, unpaired
/// surrogates): <c>ada@example.com</c> followed by U+200B would otherwise be a second account that reads the same.
/// </para>
/// <para>
/// The normalised form, the lookup key (unique per tenant), is the local part in lower case (invariant) and the domain
/// through IDNA (UTS #46, <see cref="IdnMapping"/>): lower-cased, and the same whether written in Unicode or in
/// punycode (<c>bücher.example</c> and <c>xn--bcher-kva.example</c>). The address as given (trimmed, NFKC) is kept for
/// display.
/// </para>
/// </remarks>
public static class EmailAddress
{
    /// <summary>The longest address accepted (RFC 5321: 64 + 1 + 255).</summary>
    public const int MaxLength = 320;

    private const string Malformed = "The email must look like name@example.com.";

    /// <summary>
    /// Checks <paramref name="email"/> and returns it trimmed (NFKC) and its normalised form.
    /// </summary>
    /// <exception cref="AuthValidationException">The address is missing or malformed (field <c>email</c>).</exception>
    public static (string Email, string Normalized) Validate(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            throw new AuthValidationException("email", "The email is required.");
        }

        if (email.Length > MaxLength)
        {
            throw new AuthValidationException("email", $"The email must be at most {MaxLength} characters.");
        }

        // Checked before normalising: NFKC throws on an unpaired surrogate, and would hide nothing else worth keeping.
        var trimmed = email.Trim();
        if (DisplayText.FindRefusedCharacter(trimmed) is { } refused)
        {
            throw new AuthValidationException("email", refused.Describe("The email").Replace("names may not", "an email may not", StringComparison.Ordinal));
        }

        trimmed = trimmed.Normalize(NormalizationForm.FormKC).Trim();
        var at = trimmed.LastIndexOf('@');
        if (at <= 0 || at == trimmed.Length - 1 || trimmed.IndexOf('@', StringComparison.Ordinal) != at)
        {
            throw new AuthValidationException("email", Malformed);
        }

        var local = trimmed.AsSpan(0, at);
        var domain = trimmed.AsSpan(at + 1);
        if (local.Length > 64 || domain.Length > 255 || !domain.Contains('.') || domain.StartsWith('.') || domain.EndsWith('.')
            || domain.Contains("..", StringComparison.Ordinal))
        {
            throw new AuthValidationException("email", Malformed);
        }

        foreach (var c in trimmed)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or '(' or ')' or ',' or ';' or ':' or '"' or '[' or ']' or '\\')
            {
                throw new AuthValidationException("email", "The email contains a character that is not allowed (spaces, control characters or <>()[],;:\"\\).");
            }
        }

        var normalizedDomain = NormalizeDomain(domain.ToString())
            ?? throw new AuthValidationException("email", "The email's domain is not a valid domain name (after the @, like example.com).");
        return (trimmed, local.ToString().ToLowerInvariant() + "@" + normalizedDomain);
    }

    /// <summary>The normalised form of <paramref name="email"/>, or <see langword="null"/> when it is malformed.</summary>
    public static string? TryNormalize(string? email)
    {
        try
        {
            return Validate(email).Normalized;
        }
        catch (AuthValidationException)
        {
            return null;
        }
    }

    /// <summary>
    /// The domain through IDNA's mapping (lower case, compatibility forms mapped), in Unicode; <see langword="null"/>
    /// when it is not a valid host name. ASCII domains stay what they were, lower-cased.
    /// </summary>
    private static string? NormalizeDomain(string domain)
    {
        // IdnMapping's instance members are not documented as thread-safe: one per call (it is a small object).
        var idn = new IdnMapping { AllowUnassigned = false, UseStd3AsciiRules = true };
        try
        {
            return idn.GetUnicode(idn.GetAscii(domain)).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
