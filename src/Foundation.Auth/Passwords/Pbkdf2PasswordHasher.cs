using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.Passwords;

/// <summary>
/// Hashes passwords with PBKDF2-HMAC-SHA256 (600,000 iterations by default, OWASP's figure) in a self-describing,
/// versioned format, and verifies that format, ASP.NET Core Identity V2/V3 hashes (through Identity's own
/// <c>PasswordHasher&lt;TUser&gt;</c>) and bcrypt <c>$2a$/$2b$/$2y$</c> hashes (through BCrypt.Net-Next).
/// </summary>
/// <remarks>
/// <para>
/// The format, PHC-string style: <c>$fnd-pbkdf2-sha256$v=1$i=600000$&lt;salt&gt;$&lt;hash&gt;</c>, where the salt is 16
/// random bytes and the hash the 32-byte PBKDF2-HMAC-SHA256 output of the UTF-8 encoded NFKC form of the password, both in
/// standard base64 without padding (22 and 43 characters). <c>v</c> versions the layout; <c>i</c> is the iteration count,
/// so raising <see cref="PasswordOptions.Pbkdf2Iterations"/> leaves existing hashes valid.
/// </para>
/// <para>
/// <see cref="Verify"/> returns <see cref="PasswordVerification.SuccessRehashNeeded"/> when the password matches a hash
/// that is not current: an imported format (Identity, bcrypt) or fewer iterations than configured. The caller then stores
/// <see cref="Hash"/> of the password it just checked. Imported formats are checked with the password as given first (that
/// is what the old system hashed) and, failing that, with its NFKC form. A stored hash in no known format, or malformed,
/// does not match; it never throws.
/// </para>
/// </remarks>
public sealed class Pbkdf2PasswordHasher : IPasswordHasher
{
    /// <summary>How every hash in the current format starts.</summary>
    public const string FormatPrefix = "$fnd-pbkdf2-sha256$";

    private const int Version = 1;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private const int SaltChars = 22;
    private const int HashChars = 43;

    private readonly IOptions<AuthOptions> _options;

    /// <summary>Creates the hasher with the iteration count in <see cref="AuthOptions.Passwords"/>.</summary>
    public Pbkdf2PasswordHasher(IOptions<AuthOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="password"/> is <see langword="null"/>.</exception>
    public string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var iterations = _options.Value.Passwords.Pbkdf2Iterations;
        Span<byte> salt = stackalloc byte[SaltBytes];
        RandomNumberGenerator.Fill(salt);
        Span<byte> hash = stackalloc byte[HashBytes];
        Derive(PasswordNormalization.Normalize(password), salt, iterations, hash);
        var result = string.Create(
            CultureInfo.InvariantCulture,
            $"{FormatPrefix}v={Version}$i={iterations}${ToBase64(salt)}${ToBase64(hash)}");
        CryptographicOperations.ZeroMemory(hash);
        return result;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public PasswordVerification Verify(string storedHash, string password)
    {
        ArgumentNullException.ThrowIfNull(storedHash);
        ArgumentNullException.ThrowIfNull(password);

        if (storedHash.StartsWith(FormatPrefix, StringComparison.Ordinal))
        {
            return VerifyCurrent(storedHash, password);
        }

        if (storedHash.StartsWith("$2", StringComparison.Ordinal))
        {
            return VerifyImported(password, p => ImportedPasswordHashes.VerifyBcrypt(p, storedHash));
        }

        if (storedHash.StartsWith('$'))
        {
            return PasswordVerification.Failed;
        }

        return VerifyImported(password, p => ImportedPasswordHashes.VerifyIdentity(storedHash, p));
    }

    /// <summary>Reads a hash in the current format: its iteration count, salt and hash; false when malformed.</summary>
    internal static bool TryParse(string storedHash, out int iterations, out byte[] salt, out byte[] hash)
    {
        ArgumentNullException.ThrowIfNull(storedHash);
        iterations = 0;
        salt = [];
        hash = [];

        if (!storedHash.StartsWith(FormatPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        // "$fnd-pbkdf2-sha256$v=1$i=600000$<salt>$<hash>": after the prefix, exactly four '$'-separated fields.
        var fields = storedHash[FormatPrefix.Length..].Split('$');
        if (fields.Length != 4
            || !string.Equals(fields[0], "v=1", StringComparison.Ordinal)
            || !fields[1].StartsWith("i=", StringComparison.Ordinal)
            || !TryParseIterations(fields[1].AsSpan(2), out iterations)
            || !TryFromBase64(fields[2], SaltChars, SaltBytes, out salt)
            || !TryFromBase64(fields[3], HashChars, HashBytes, out hash))
        {
            iterations = 0;
            return false;
        }

        return true;
    }

    private PasswordVerification VerifyCurrent(string storedHash, string password)
    {
        if (!TryParse(storedHash, out var iterations, out var salt, out var expected))
        {
            return PasswordVerification.Failed;
        }

        Span<byte> actual = stackalloc byte[HashBytes];
        Derive(PasswordNormalization.Normalize(password), salt, iterations, actual);
        var matches = CryptographicOperations.FixedTimeEquals(actual, expected);
        CryptographicOperations.ZeroMemory(actual);
        if (!matches)
        {
            return PasswordVerification.Failed;
        }

        return iterations < _options.Value.Passwords.Pbkdf2Iterations
            ? PasswordVerification.SuccessRehashNeeded
            : PasswordVerification.Success;
    }

    /// <summary>An imported hash matched the password as given, or else its NFKC form: always rehash.</summary>
    private static PasswordVerification VerifyImported(string password, Func<string, bool> verify)
    {
        if (verify(password))
        {
            return PasswordVerification.SuccessRehashNeeded;
        }

        var normalized = PasswordNormalization.Normalize(password);
        return !string.Equals(normalized, password, StringComparison.Ordinal) && verify(normalized)
            ? PasswordVerification.SuccessRehashNeeded
            : PasswordVerification.Failed;
    }

    private static void Derive(string normalizedPassword, ReadOnlySpan<byte> salt, int iterations, Span<byte> destination)
    {
        var passwordBytes = Encoding.UTF8.GetBytes(normalizedPassword);
        try
        {
            Rfc2898DeriveBytes.Pbkdf2(passwordBytes, salt, destination, iterations, HashAlgorithmName.SHA256);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
        }
    }

    /// <summary>A positive decimal int without sign, leading zeros or anything else.</summary>
    private static bool TryParseIterations(ReadOnlySpan<char> text, out int iterations)
    {
        iterations = 0;
        return text.Length > 0 && text[0] != '0'
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out iterations);
    }

    private static string ToBase64(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    /// <summary>Unpadded standard base64 of exactly <paramref name="byteCount"/> bytes, in its one canonical spelling.</summary>
    private static bool TryFromBase64(string text, int charCount, int byteCount, out byte[] bytes)
    {
        bytes = [];
        if (text.Length != charCount)
        {
            return false;
        }

        var padded = text + new string('=', (4 - (charCount % 4)) % 4);
        var buffer = new byte[byteCount];
        if (!Convert.TryFromBase64String(padded, buffer, out var written) || written != byteCount
            || !string.Equals(ToBase64(buffer), text, StringComparison.Ordinal))
        {
            return false;
        }

        bytes = buffer;
        return true;
    }
}
