using System.Buffers;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.Passwords;

/// <summary>
/// Verifies hashes imported from other systems, so that their users can log in and be moved to the current format:
/// bcrypt (<c>$2a$</c>, <c>$2b$</c>, <c>$2y$</c>) through BCrypt.Net-Next, and ASP.NET Core Identity V2/V3 through Identity's
/// own <see cref="PasswordHasher{TUser}"/> from the shared framework. It never makes hashes in either format.
/// </summary>
/// <remarks>
/// <para>
/// bcrypt: the password is hashed as UTF-8, of which the first 72 bytes count (a character straddling byte 72 is cut in
/// the middle), as in crypt_blowfish, PHP, bcryptjs, Python's bcrypt and jBCrypt. Only a well-formed 60-character hash
/// with one of the three prefixes and a cost of 4 to 31 is handed to BCrypt.Net-Next, which compares the whole hash
/// string in constant time. <c>$2x$</c> (crypt_blowfish's sign-extension bug, which BCrypt.Net-Next would accept), the
/// ancient <c>$2$</c> and BCrypt.Net-Next's own SHA-384 "enhanced" hashes are refused.
/// </para>
/// <para>
/// Identity: a hash that is not base64 is refused before Identity sees it; Identity reads the format byte, PRF, iteration
/// count and salt from the hash and treats a malformed payload as a failure.
/// </para>
/// </remarks>
internal static class ImportedPasswordHashes
{
    /// <summary>The smallest bcrypt cost accepted.</summary>
    public const int MinimumBcryptCost = 4;

    /// <summary>The largest bcrypt cost accepted.</summary>
    public const int MaximumBcryptCost = 31;

    /// <summary>A bcrypt hash is exactly this long.</summary>
    public const int BcryptHashLength = 60;

    private static readonly SearchValues<char> s_bcryptAlphabet =
        SearchValues.Create("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");

    private sealed class ImportedUser;

    private static readonly ImportedUser s_user = new();

    // Identity's verifier takes every parameter from the hash; the options only matter for hashing, which is never done.
    private static readonly PasswordHasher<ImportedUser> s_identity = new(Options.Create(new PasswordHasherOptions()));

    /// <summary>Whether <paramref name="password"/> (as UTF-8) matches the bcrypt <paramref name="hash"/>.</summary>
    /// <returns><see langword="false"/> when it does not, or when <paramref name="hash"/> is not a bcrypt hash read here.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static bool VerifyBcrypt(string password, string hash)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(hash);
        if (!IsWellFormedBcrypt(hash))
        {
            return false;
        }

        try
        {
            return BCrypt.Net.BCrypt.Verify(password, hash);
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return false;
        }
    }

    /// <summary>Whether <paramref name="password"/> matches the ASP.NET Core Identity V2 or V3 <paramref name="hash"/>.</summary>
    /// <returns><see langword="false"/> when it does not, or when <paramref name="hash"/> is not an Identity hash.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static bool VerifyIdentity(string hash, string password)
    {
        ArgumentNullException.ThrowIfNull(hash);
        ArgumentNullException.ThrowIfNull(password);
        var buffer = new byte[hash.Length * 3 / 4];
        if (!Convert.TryFromBase64String(hash, buffer, out var length) || length == 0)
        {
            return false;
        }

        return s_identity.VerifyHashedPassword(s_user, hash, password) != PasswordVerificationResult.Failed;
    }

    /// <summary><c>$2a$</c>/<c>$2b$</c>/<c>$2y$</c>, two cost digits 04-31, <c>$</c>, then 53 characters of bcrypt's radix-64.</summary>
    private static bool IsWellFormedBcrypt(string hash)
    {
        if (hash.Length != BcryptHashLength || hash[0] != '$' || hash[1] != '2' || hash[2] is not ('a' or 'b' or 'y')
            || hash[3] != '$' || !char.IsAsciiDigit(hash[4]) || !char.IsAsciiDigit(hash[5]) || hash[6] != '$')
        {
            return false;
        }

        var cost = ((hash[4] - '0') * 10) + (hash[5] - '0');
        return cost is >= MinimumBcryptCost and <= MaximumBcryptCost
            && !hash.AsSpan(7).ContainsAnyExcept(s_bcryptAlphabet);
    }
}
