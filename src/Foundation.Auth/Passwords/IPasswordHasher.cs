namespace Foundation.Auth.Passwords;

/// <summary>Hashes passwords for storage and verifies them against stored hashes of any supported format.</summary>
public interface IPasswordHasher
{
    /// <summary>Hashes <paramref name="password"/> (NFKC-normalised first) in the current format.</summary>
    string Hash(string password);

    /// <summary>Verifies <paramref name="password"/> against <paramref name="storedHash"/> in constant time.</summary>
    /// <returns>Whether it matched, and whether the hash should be replaced by one in the current format.</returns>
    PasswordVerification Verify(string storedHash, string password);
}

/// <summary>The result of <see cref="IPasswordHasher.Verify"/>.</summary>
public enum PasswordVerification
{
    /// <summary>The password does not match (or the hash is not in a known format).</summary>
    Failed = 0,

    /// <summary>The password matches and the hash is current.</summary>
    Success = 1,

    /// <summary>The password matches; store a new hash (older format or fewer iterations).</summary>
    SuccessRehashNeeded = 2,
}

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
