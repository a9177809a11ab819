using System.Globalization;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.Passwords;

/// <summary>
/// The password rules of NIST SP 800-63B (5.1.1.2): a minimum and maximum length counted in characters after NFKC
/// normalisation, any characters allowed, no composition rules, and a refusal of passwords that are commonly used or
/// contain the account's own email name. Every reason that applies is reported.
/// </summary>
/// <remarks>
/// Length is counted in Unicode code points (<see cref="System.Text.Rune"/>s) of the NFKC form, so <c>é</c> is one
/// character whether typed composed or decomposed, and an emoji outside the BMP is one character, not two UTF-16 units.
/// </remarks>
public sealed class PasswordPolicy : IPasswordPolicy
{
    private const int MinimumEmailPartLength = 3;

    private static readonly PasswordPolicyResult s_empty = new(
        [new PasswordPolicyError(PasswordPolicyErrorCodes.Empty, "Enter a password.")]);

    private readonly IOptions<AuthOptions> _options;

    /// <summary>Creates the policy with the rules in <see cref="AuthOptions.Passwords"/>.</summary>
    public PasswordPolicy(IOptions<AuthOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="password"/> is <see langword="null"/>.</exception>
    public PasswordPolicyResult Validate(string password, string? email)
    {
        ArgumentNullException.ThrowIfNull(password);
        var options = _options.Value.Passwords;
        var normalized = PasswordNormalization.Normalize(password);
        if (normalized.Length == 0)
        {
            return s_empty;
        }

        var errors = new List<PasswordPolicyError>(2);
        var length = CountCharacters(normalized);
        if (length < options.MinimumLength)
        {
            errors.Add(new PasswordPolicyError(
                PasswordPolicyErrorCodes.TooShort,
                string.Create(CultureInfo.InvariantCulture, $"Use at least {options.MinimumLength} characters; this one has {length}.")));
        }

        if (length > options.MaximumLength)
        {
            errors.Add(new PasswordPolicyError(
                PasswordPolicyErrorCodes.TooLong,
                string.Create(CultureInfo.InvariantCulture, $"Use at most {options.MaximumLength} characters; this one has {length}.")));
        }

        if (options.RefuseCommonPasswords && CommonPasswords.Contains(normalized))
        {
            errors.Add(new PasswordPolicyError(
                PasswordPolicyErrorCodes.Common,
                "This password is among the 10,000 most commonly used passwords, which attackers try first; choose one that is less predictable."));
        }

        if (options.RefuseEmailLocalPart && ContainsEmailLocalPart(normalized, email))
        {
            errors.Add(new PasswordPolicyError(
                PasswordPolicyErrorCodes.ContainsEmail,
                "This password contains your email address's name (the part before the @); choose one that does not."));
        }

        return errors.Count == 0 ? PasswordPolicyResult.Success : new PasswordPolicyResult(errors);
    }

    /// <summary>Counts Unicode code points; an ill-formed sequence cannot remain after normalisation.</summary>
    internal static int CountCharacters(string normalized)
    {
        var count = 0;
        foreach (var _ in normalized.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    /// <summary>
    /// Whether the password contains, ignoring case, the email's local part (all before the last <c>@</c>, or the whole
    /// value when there is no <c>@</c>), normalised the same way, when that part has at least three characters.
    /// </summary>
    private static bool ContainsEmailLocalPart(string normalizedPassword, string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return false;
        }

        var trimmed = email.Trim();
        var at = trimmed.LastIndexOf('@');
        var localPart = PasswordNormalization.Normalize(at >= 0 ? trimmed[..at] : trimmed);
        return CountCharacters(localPart) >= MinimumEmailPartLength
            && normalizedPassword.Contains(localPart, StringComparison.OrdinalIgnoreCase);
    }
}
