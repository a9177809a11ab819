namespace Foundation.Auth.Passwords;

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
