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
