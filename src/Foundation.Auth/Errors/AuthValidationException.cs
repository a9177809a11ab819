using Foundation.Auth.Passwords;

namespace Foundation.Auth;

/// <summary>
/// Input to a Foundation.Auth operation was invalid; nothing was stored. <see cref="Field"/> names the offending
/// input (for example <c>name</c>, <c>scopes</c>, <c>expiresAt</c>) so an endpoint can answer 400 naming it.
/// </summary>
public sealed class AuthValidationException : Exception
{
    /// <summary>Creates the exception without a field.</summary>
    public AuthValidationException()
        : this(string.Empty, "The input is invalid.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and no field.</summary>
    public AuthValidationException(string message)
        : this(string.Empty, message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public AuthValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Field = string.Empty;
        PasswordErrors = [];
    }

    /// <summary>Creates the exception for <paramref name="field"/> with a <paramref name="message"/> a person can act on.</summary>
    public AuthValidationException(string field, string message)
        : base(message)
    {
        Field = field ?? string.Empty;
        PasswordErrors = [];
    }

    /// <summary>Creates the exception for a refused password, with each reason of the password policy.</summary>
    public AuthValidationException(string field, string message, IReadOnlyList<PasswordPolicyError> passwordErrors)
        : base(message)
    {
        Field = field ?? string.Empty;
        PasswordErrors = passwordErrors ?? [];
    }

    /// <summary>The input that was invalid, as named in the API (camelCase), or empty when it is not one field.</summary>
    public string Field { get; }

    /// <summary>Each reason a password was refused, with stable codes; empty for other fields.</summary>
    public IReadOnlyList<PasswordPolicyError> PasswordErrors { get; }
}
