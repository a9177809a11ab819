using System.Globalization;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.Passwords;

/// <summary>
/// The password rules of NIST SP 800-63B (5.1.1.2): a minimum and maximum length counted in characters after NFKC
/// normalisation, any characters allowed, no composition rules, and a refusal of passwords an attacker tries first:
/// commonly used ones and their variants with digits or symbols added, repetitive or sequential strings, white space
/// only, the service's name and the account's own email parts. Every reason that applies is reported, each with its own
/// code (<see cref="PasswordPolicyErrorCodes"/>).
/// </summary>
/// <remarks>
/// Length is counted in Unicode code points (<see cref="System.Text.Rune"/>s) of the NFKC form, so <c>é</c> is one
/// character whether typed composed or decomposed, and an emoji outside the BMP is one character, not two UTF-16 units.
/// The other rules compare the NFKC form ignoring case (invariant lower case).
/// </remarks>
public sealed class PasswordPolicy : IPasswordPolicy
{
    private const int MinimumEmailPartLength = 3;
    private const int MinimumEmailWordLength = 4;
    private const int MinimumServiceNameLength = 4;
    private const int MinimumCommonBaseLength = 4;
    private const int MinimumSequenceLength = 6;
    private const int SequenceSlack = 2;

    private static readonly PasswordPolicyResult s_empty = new(
        [new PasswordPolicyError(PasswordPolicyErrorCodes.Empty, "Enter a password.")]);

    private readonly IOptions<AuthOptions> _options;
    private readonly string? _applicationName;

    /// <summary>Creates the policy with the rules in <see cref="AuthOptions.Passwords"/>.</summary>
    public PasswordPolicy(IOptions<AuthOptions> options)
        : this(options, null)
    {
    }

    /// <summary>
    /// Creates the policy with the rules in <see cref="AuthOptions.Passwords"/>; the host's application name is the
    /// service name when <see cref="PasswordOptions.ServiceName"/> is not set.
    /// </summary>
    public PasswordPolicy(IOptions<AuthOptions> options, IHostEnvironment? environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _applicationName = environment?.ApplicationName;
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

        if (string.IsNullOrWhiteSpace(normalized))
        {
            // The other rules would only restate this one.
            errors.Add(new PasswordPolicyError(
                PasswordPolicyErrorCodes.WhitespaceOnly,
                "This password is only spaces; use words, letters, digits or symbols too."));
            return new PasswordPolicyResult(errors);
        }

        var lower = normalized.ToLowerInvariant();
        if (options.RefuseCommonPasswords)
        {
            if (CommonPasswords.Contains(lower))
            {
                errors.Add(new PasswordPolicyError(
                    PasswordPolicyErrorCodes.Common,
                    "This password is among the 10,000 most commonly used passwords, which attackers try first; choose one that is less predictable."));
            }
            else if (CommonBase(lower) is { } commonBase)
            {
                errors.Add(new PasswordPolicyError(
                    PasswordPolicyErrorCodes.CommonVariant,
                    $"This password is the common password '{commonBase}' with only digits or symbols added, a variant attackers try first; choose one that is less predictable."));
            }
        }

        if (options.RefuseRepetitiveAndSequential)
        {
            var characters = Runes(lower);
            if (RepeatedUnit(characters) is { } unit)
            {
                errors.Add(new PasswordPolicyError(
                    PasswordPolicyErrorCodes.Repetitive,
                    $"This password repeats '{unit}' over and over; choose one that is not a repetition."));
            }
            else if (IsSequential(characters))
            {
                errors.Add(new PasswordPolicyError(
                    PasswordPolicyErrorCodes.Sequential,
                    "This password is a run of consecutive characters (like 123456789 or abcdefgh); choose one that is not a sequence."));
            }
        }

        if (ServiceNameIn(lower, options) is { } serviceName)
        {
            errors.Add(new PasswordPolicyError(
                PasswordPolicyErrorCodes.ContainsServiceName,
                $"This password contains the name of this service ('{serviceName}'), which attackers try first; choose one that does not."));
        }

        if (options.RefuseEmailLocalPart && EmailPartIn(lower, email) is { } part)
        {
            errors.Add(new PasswordPolicyError(
                PasswordPolicyErrorCodes.ContainsEmail,
                part.IsLocalPart
                    ? "This password contains your email address's name (the part before the @); choose one that does not."
                    : $"This password contains '{part.Text}' from your email address; choose one that does not."));
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
    /// The common password left when leading and trailing digits, punctuation, symbols and spaces are stripped, if
    /// something was stripped and the rest, of at least four characters, is on the list.
    /// </summary>
    internal static string? CommonBase(string lower)
    {
        var start = 0;
        var end = lower.Length;
        while (start < end && IsAffix(lower[start]))
        {
            start++;
        }

        while (end > start && IsAffix(lower[end - 1]))
        {
            end--;
        }

        if ((start == 0 && end == lower.Length) || end - start < MinimumCommonBaseLength)
        {
            return null;
        }

        var core = lower[start..end];
        return CommonPasswords.Contains(core) ? core : null;

        static bool IsAffix(char c) => char.IsDigit(c) || char.IsPunctuation(c) || char.IsSymbol(c) || char.IsWhiteSpace(c);
    }

    /// <summary>The shortest unit that the whole password repeats at least twice, or <see langword="null"/>.</summary>
    internal static string? RepeatedUnit(IReadOnlyList<Rune> characters)
    {
        var n = characters.Count;
        for (var unit = 1; unit <= n / 2; unit++)
        {
            if (n % unit != 0)
            {
                continue;
            }

            var repeats = true;
            for (var i = unit; i < n && repeats; i++)
            {
                repeats = characters[i] == characters[i - unit];
            }

            if (repeats)
            {
                var text = new StringBuilder();
                for (var i = 0; i < unit; i++)
                {
                    text.Append(characters[i].ToString());
                }

                return text.ToString();
            }
        }

        return null;
    }

    /// <summary>
    /// Whether one run of consecutive code points, ascending or descending by one (digits wrap: <c>9</c> then <c>0</c>),
    /// covers all but at most two characters of the password, and is at least six long.
    /// </summary>
    internal static bool IsSequential(IReadOnlyList<Rune> characters)
    {
        var n = characters.Count;
        var longest = 1;
        var ascending = 1;
        var descending = 1;
        for (var i = 1; i < n; i++)
        {
            var previous = characters[i - 1].Value;
            var current = characters[i].Value;
            ascending = current == previous + 1 || (previous == '9' && current == '0') ? ascending + 1 : 1;
            descending = current == previous - 1 || (previous == '0' && current == '9') ? descending + 1 : 1;
            longest = Math.Max(longest, Math.Max(ascending, descending));
        }

        return longest >= MinimumSequenceLength && longest >= n - SequenceSlack;
    }

    private static List<Rune> Runes(string text)
    {
        var runes = new List<Rune>(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            runes.Add(rune);
        }

        return runes;
    }

    private string? ServiceNameIn(string lowerPassword, PasswordOptions options)
    {
        var name = string.IsNullOrWhiteSpace(options.ServiceName) ? _applicationName : options.ServiceName;
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var compactName = LettersAndDigits(PasswordNormalization.Normalize(name).ToLowerInvariant());
        return CountCharacters(compactName) >= MinimumServiceNameLength && LettersAndDigits(lowerPassword).Contains(compactName, StringComparison.Ordinal)
            ? name.Trim()
            : null;
    }

    private static string LettersAndDigits(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune))
            {
                builder.Append(rune.ToString());
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// The first part of <paramref name="email"/> the password contains, ignoring case: the local part (all before the
    /// last <c>@</c>, or the whole value when there is no <c>@</c>) when it has at least three characters, a word of the
    /// local part (split at <c>. _ - +</c>) or a domain label other than the last one, when it has at least four.
    /// </summary>
    private static EmailPart? EmailPartIn(string lowerPassword, string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return null;
        }

        var trimmed = PasswordNormalization.Normalize(email.Trim()).ToLowerInvariant();
        var at = trimmed.LastIndexOf('@');
        var localPart = at >= 0 ? trimmed[..at] : trimmed;
        if (CountCharacters(localPart) >= MinimumEmailPartLength && lowerPassword.Contains(localPart, StringComparison.Ordinal))
        {
            return new EmailPart(localPart, IsLocalPart: true);
        }

        foreach (var word in localPart.Split(['.', '_', '-', '+'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (CountCharacters(word) >= MinimumEmailWordLength && lowerPassword.Contains(word, StringComparison.Ordinal))
            {
                return new EmailPart(word, IsLocalPart: false);
            }
        }

        if (at < 0)
        {
            return null;
        }

        var labels = trimmed[(at + 1)..].Split('.', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < labels.Length - 1; i++)
        {
            if (CountCharacters(labels[i]) >= MinimumEmailWordLength && lowerPassword.Contains(labels[i], StringComparison.Ordinal))
            {
                return new EmailPart(labels[i], IsLocalPart: false);
            }
        }

        return null;
    }

    private sealed record EmailPart(string Text, bool IsLocalPart);
}
