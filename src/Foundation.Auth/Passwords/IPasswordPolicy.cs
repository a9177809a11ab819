namespace Foundation.Auth.Passwords;

/// <summary>Decides whether a password is acceptable for an account.</summary>
public interface IPasswordPolicy
{
    /// <summary>Checks <paramref name="password"/> for the account with <paramref name="email"/>.</summary>
    PasswordPolicyResult Validate(string password, string? email);
}

/// <summary>Why a password was refused; empty when it was accepted.</summary>
/// <param name="Errors">Each reason, with a stable code and a message a person can act on.</param>
public sealed record PasswordPolicyResult(IReadOnlyList<PasswordPolicyError> Errors)
{
    /// <summary>An accepted password.</summary>
    public static PasswordPolicyResult Success { get; } = new([]);

    /// <summary>Whether the password was accepted.</summary>
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>One reason a password was refused.</summary>
/// <param name="Code">A stable code: <c>too_short</c>, <c>too_long</c>, <c>common</c>, <c>contains_email</c>, <c>empty</c>.</param>
/// <param name="Message">What was wrong and what to do, for the user.</param>
public sealed record PasswordPolicyError(string Code, string Message);
