using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Foundation.Audit.Chain;
using Foundation.Audit.Storage;
using Microsoft.AspNetCore.WebUtilities;

namespace Foundation.Audit.Query;

/// <summary>
/// Opaque page tokens: <c>v1.&lt;keyId&gt;.&lt;seq&gt;.&lt;mac&gt;</c>, base64url-encoded, where the MAC is HMAC-SHA256 under a key derived
/// (HKDF) from a checkpoint key, over the tenant, the position and the filters. A token is refused when altered, made for another tenant or
/// used with other filters.
/// </summary>
internal static class AuditPageTokens
{
    private static readonly byte[] Info = Encoding.ASCII.GetBytes("foundation.audit.page-token.v1");

    public static async Task<string> CreateAsync(AuditSigningKeyRing keys, AuditDbContext db, string tenant, AuditQuery query, long seq, CancellationToken ct)
    {
        var (keyId, key) = await keys.GetActiveAsync(db, ct).ConfigureAwait(false);
        var mac = Mac(key, tenant, query, seq);
        var text = string.Create(CultureInfo.InvariantCulture, $"v1.{keyId}.{seq}.{mac}");
        return WebEncoders.Base64UrlEncode(Encoding.ASCII.GetBytes(text));
    }

    /// <summary>The position after which the next page starts.</summary>
    /// <exception cref="AuditValidationException">The token is malformed, forged, or made for another tenant or other filters.</exception>
    public static async Task<long> ReadAsync(AuditSigningKeyRing keys, AuditDbContext db, string tenant, AuditQuery query, string token, CancellationToken ct)
    {
        const string Invalid = "pageToken is not a token this API issued for these filters; start again without pageToken.";
        string text;
        try
        {
            text = Encoding.ASCII.GetString(WebEncoders.Base64UrlDecode(token));
        }
        catch (FormatException)
        {
            throw new AuditValidationException("pageToken", Invalid);
        }

        var parts = text.Split('.');
        if (parts.Length != 4 || !string.Equals(parts[0], "v1", StringComparison.Ordinal)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var seq) || parts[3].Length != 64)
        {
            throw new AuditValidationException("pageToken", Invalid);
        }

        var key = AuditSigningKeyRing.IsValidKeyId(parts[1]) ? await keys.FindAsync(db, parts[1], ct).ConfigureAwait(false) : null;
        if (key is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(key, tenant, query, seq)), Encoding.ASCII.GetBytes(parts[3])))
        {
            throw new AuditValidationException("pageToken", Invalid);
        }

        return seq;
    }

    private static string Mac(byte[] signingKey, string tenant, AuditQuery q, long seq)
    {
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, signingKey, 32, salt: [], info: Info);
        var sb = new StringBuilder();
        foreach (var field in new[]
        {
            tenant, seq.ToString(CultureInfo.InvariantCulture), q.Actor, q.ActionPrefix, q.TargetType, q.TargetId, q.Outcome,
            q.From?.UtcTicks.ToString(CultureInfo.InvariantCulture), q.To?.UtcTicks.ToString(CultureInfo.InvariantCulture),
        })
        {
            sb.Append(field is null ? "~" : Encoding.UTF8.GetByteCount(field).ToString(CultureInfo.InvariantCulture) + ":" + field).Append('\n');
        }

        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(sb.ToString())));
    }
}
