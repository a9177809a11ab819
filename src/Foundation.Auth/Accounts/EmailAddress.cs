using System.Text;

namespace Foundation.Auth.Accounts;

/// <summary>Checks and normalises email addresses (NFKC, trimmed, lower-case invariant for lookups).</summary>
public static class EmailAddress
{
    /// <summary>The longest address accepted (RFC 5321: 64 + 1 + 255).</summary>
    public const int MaxLength = 320;

    /// <summary>
    /// Checks <paramref name="email"/> and returns it trimmed and its normalised form.
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

        var trimmed = email.Trim().Normalize(NormalizationForm.FormKC);
        var at = trimmed.LastIndexOf('@');
        if (at <= 0 || at == trimmed.Length - 1 || trimmed.IndexOf('@', StringComparison.Ordinal) != at)
        {
            throw new AuthValidationException("email", "The email must look like name@example.com.");
        }

        var local = trimmed.AsSpan(0, at);
        var domain = trimmed.AsSpan(at + 1);
        if (local.Length > 64 || domain.Length > 255 || !domain.Contains('.') || domain.StartsWith('.') || domain.EndsWith('.')
            || domain.Contains("..", StringComparison.Ordinal))
        {
            throw new AuthValidationException("email", "The email must look like name@example.com.");
        }

        foreach (var c in trimmed)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or '(' or ')' or ',' or ';' or ':' or '"' or '[' or ']' or '\\')
            {
                throw new AuthValidationException("email", "The email contains a character that is not allowed (spaces, control characters or <>()[],;:\"\\).");
            }
        }

        return (trimmed, trimmed.ToLowerInvariant());
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
}
