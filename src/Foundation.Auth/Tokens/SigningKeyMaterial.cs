using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Foundation.Auth.Tokens;

/// <summary>The three supported signing algorithms: making, serialising and loading their keys.</summary>
internal static class SigningKeyMaterial
{
    public const string HS256 = "HS256";
    public const string ES256 = "ES256";
    public const string RS256 = "RS256";

    /// <summary>The canonical name of <paramref name="algorithm"/> (case-insensitive), or <see langword="null"/> when it is not supported.</summary>
    public static string? Normalize(string? algorithm)
    {
        if (string.Equals(algorithm, HS256, StringComparison.OrdinalIgnoreCase))
        {
            return HS256;
        }

        if (string.Equals(algorithm, ES256, StringComparison.OrdinalIgnoreCase))
        {
            return ES256;
        }

        return string.Equals(algorithm, RS256, StringComparison.OrdinalIgnoreCase) ? RS256 : null;
    }

    /// <summary>Whether <paramref name="algorithm"/> is exactly one of the supported names (a token's <c>alg</c> header is case-sensitive).</summary>
    public static bool IsSupportedExact(string? algorithm) =>
        string.Equals(algorithm, HS256, StringComparison.Ordinal)
        || string.Equals(algorithm, ES256, StringComparison.Ordinal)
        || string.Equals(algorithm, RS256, StringComparison.Ordinal);

    /// <summary>Makes new key material: 256 random bits (HS256) or a PKCS#8 private key (P-256 for ES256, RSA 2048 for RS256).</summary>
    public static byte[] Create(string algorithm)
    {
        switch (algorithm)
        {
            case HS256:
                return RandomNumberGenerator.GetBytes(32);
            case ES256:
                using (var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256))
                {
                    return ecdsa.ExportPkcs8PrivateKey();
                }

            case RS256:
                using (var rsa = RSA.Create(2048))
                {
                    return rsa.ExportPkcs8PrivateKey();
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Use HS256, ES256 or RS256.");
        }
    }

    /// <summary>Loads <paramref name="material"/> as the <see cref="SecurityKey"/> of <paramref name="algorithm"/> with <paramref name="keyId"/>.</summary>
    public static SecurityKey Load(string algorithm, string keyId, byte[] material)
    {
        switch (algorithm)
        {
            case HS256:
                return new SymmetricSecurityKey(material) { KeyId = keyId };
            case ES256:
                var ecdsa = ECDsa.Create();
                ecdsa.ImportPkcs8PrivateKey(material, out _);
                if (ecdsa.KeySize != 256)
                {
                    ecdsa.Dispose();
                    throw new CryptographicException("An ES256 key must be on the P-256 curve.");
                }

                return new ECDsaSecurityKey(ecdsa) { KeyId = keyId };
            case RS256:
                var rsa = RSA.Create();
                rsa.ImportPkcs8PrivateKey(material, out _);
                return new RsaSecurityKey(rsa) { KeyId = keyId };
            default:
                throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Use HS256, ES256 or RS256.");
        }
    }

    /// <summary>The IdentityModel algorithm name of <paramref name="algorithm"/>.</summary>
    public static string SecurityAlgorithm(string algorithm) => algorithm switch
    {
        HS256 => SecurityAlgorithms.HmacSha256,
        ES256 => SecurityAlgorithms.EcdsaSha256,
        RS256 => SecurityAlgorithms.RsaSha256,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Use HS256, ES256 or RS256."),
    };

    /// <summary>A short random URL-safe key id (96 bits, 16 characters).</summary>
    public static string NewKeyId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(12));
}
