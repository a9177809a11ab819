using System.Globalization;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.Passwords;

/// <summary>
/// Validates <c>Foundation:Auth:Passwords</c> at start: a minimum length of at least 8 (NIST SP 800-63B), a maximum of at
/// least 128 and at least the minimum, and at least 100,000 PBKDF2 iterations. Each failure names its key.
/// </summary>
internal sealed class PasswordOptionsValidator : IValidateOptions<AuthOptions>
{
    /// <summary>NIST SP 800-63B's floor for a password chosen by the user.</summary>
    public const int LowestMinimumLength = 8;

    /// <summary>The maximum length may not be set below this (the issue: "at most &gt;= 128").</summary>
    public const int LowestMaximumLength = 128;

    /// <summary>Fewer PBKDF2-HMAC-SHA256 iterations than this are refused.</summary>
    public const int LowestPbkdf2Iterations = 100_000;

    private const string Section = AuthOptions.SectionName + ":Passwords";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var passwords = options.Passwords;
        if (passwords is null)
        {
            return ValidateOptionsResult.Fail($"{Section} is missing.");
        }

        var failures = new List<string>();
        if (passwords.MinimumLength < LowestMinimumLength)
        {
            failures.Add(Invariant($"{Section}:MinimumLength is {passwords.MinimumLength}; it must be at least {LowestMinimumLength}."));
        }

        if (passwords.MaximumLength < LowestMaximumLength)
        {
            failures.Add(Invariant($"{Section}:MaximumLength is {passwords.MaximumLength}; it must be at least {LowestMaximumLength}."));
        }

        if (passwords.MaximumLength < passwords.MinimumLength)
        {
            failures.Add(Invariant(
                $"{Section}:MaximumLength is {passwords.MaximumLength}; it must be at least {Section}:MinimumLength ({passwords.MinimumLength})."));
        }

        if (passwords.Pbkdf2Iterations < LowestPbkdf2Iterations)
        {
            failures.Add(Invariant($"{Section}:Pbkdf2Iterations is {passwords.Pbkdf2Iterations}; it must be at least {LowestPbkdf2Iterations}."));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
