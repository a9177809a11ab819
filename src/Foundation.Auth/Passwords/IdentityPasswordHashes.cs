using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Foundation.Auth.Passwords;

/// <summary>
/// Verifies the hashes of ASP.NET Core Identity's <c>PasswordHasher&lt;TUser&gt;</c>, so that users of an Identity
/// database can log in and be moved to the current format. Implemented on the BCL from Identity's documented layout.
/// </summary>
/// <remarks>
/// Both formats are standard base64 of:
/// <list type="bullet">
/// <item><description>V2 (ASP.NET Identity 2, Core in V2 mode): <c>0x00</c>, 16-byte salt, 32-byte subkey;
/// PBKDF2-HMAC-SHA1 with 1,000 iterations. 49 bytes.</description></item>
/// <item><description>V3 (Core's default): <c>0x01</c>, then big-endian uint32s PRF (0 = HMAC-SHA1, 1 = HMAC-SHA256,
/// 2 = HMAC-SHA512), iteration count and salt length, then the salt (at least 16 bytes) and the subkey (the rest, at
/// least 16 bytes). Core 2 to 6 wrote HMAC-SHA256 with 10,000 iterations, Core 7 and later HMAC-SHA512 with 100,000.</description></item>
/// </list>
/// The password is UTF-8 encoded, as Identity does.
/// </remarks>
internal static class IdentityPasswordHashes
{
    private const byte FormatV2 = 0x00;
    private const byte FormatV3 = 0x01;
    private const int V2Iterations = 1000;
    private const int V2SaltLength = 16;
    private const int V2SubkeyLength = 32;
    private const int V3HeaderLength = 13;
    private const int MinimumSaltLength = 16;
    private const int MinimumSubkeyLength = 16;

    /// <summary>Whether <paramref name="password"/> matches the Identity V2 or V3 <paramref name="hash"/>.</summary>
    /// <returns><see langword="false"/> when it does not, or when <paramref name="hash"/> is not an Identity hash.</returns>
    public static bool Verify(string hash, string password)
    {
        ArgumentNullException.ThrowIfNull(hash);
        ArgumentNullException.ThrowIfNull(password);
        var decoded = new byte[hash.Length * 3 / 4];
        if (!Convert.TryFromBase64String(hash, decoded, out var length) || length == 0)
        {
            return false;
        }

        var bytes = decoded.AsSpan(0, length);
        return bytes[0] switch
        {
            FormatV2 => VerifyV2(bytes, password),
            FormatV3 => VerifyV3(bytes, password),
            _ => false,
        };
    }

    private static bool VerifyV2(ReadOnlySpan<byte> bytes, string password)
    {
        if (bytes.Length != 1 + V2SaltLength + V2SubkeyLength)
        {
            return false;
        }

        var salt = bytes.Slice(1, V2SaltLength);
        var expected = bytes.Slice(1 + V2SaltLength, V2SubkeyLength);
        return Matches(password, salt, V2Iterations, HashAlgorithmName.SHA1, expected);
    }

    private static bool VerifyV3(ReadOnlySpan<byte> bytes, string password)
    {
        if (bytes.Length < V3HeaderLength)
        {
            return false;
        }

        var prf = BinaryPrimitives.ReadUInt32BigEndian(bytes[1..]);
        var iterations = BinaryPrimitives.ReadUInt32BigEndian(bytes[5..]);
        var saltLength = BinaryPrimitives.ReadUInt32BigEndian(bytes[9..]);
        HashAlgorithmName? algorithm = prf switch
        {
            0 => HashAlgorithmName.SHA1,
            1 => HashAlgorithmName.SHA256,
            2 => HashAlgorithmName.SHA512,
            _ => null,
        };
        if (algorithm is null || iterations is 0 or > int.MaxValue || saltLength < MinimumSaltLength
            || saltLength > (uint)(bytes.Length - V3HeaderLength - MinimumSubkeyLength))
        {
            return false;
        }

        var salt = bytes.Slice(V3HeaderLength, (int)saltLength);
        var expected = bytes[(V3HeaderLength + (int)saltLength)..];
        return Matches(password, salt, (int)iterations, algorithm.Value, expected);
    }

    private static bool Matches(string password, ReadOnlySpan<byte> salt, int iterations, HashAlgorithmName algorithm, ReadOnlySpan<byte> expected)
    {
        var passwordBytes = Encoding.UTF8.GetBytes(password);
        var actual = new byte[expected.Length];
        try
        {
            Rfc2898DeriveBytes.Pbkdf2(passwordBytes, salt, actual, iterations, algorithm);
            return CryptographicOperations.FixedTimeEquals(actual, expected);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
            CryptographicOperations.ZeroMemory(actual);
        }
    }
}
