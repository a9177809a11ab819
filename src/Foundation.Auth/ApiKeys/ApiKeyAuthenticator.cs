using System.Security.Claims;
using Foundation.Auth.Authentication;
using Foundation.Auth.Storage;
using Foundation.Auth.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Auth.ApiKeys;

/// <summary>
/// Authenticates <c>fnd_{keyId}_{secret}</c> keys: the format is checked before any database work, the key and its
/// owner are read in one query by key id, the secret's SHA-256 is compared in constant time, then the key must be
/// active and unexpired and its owner active. Each acceptance adds one to the use count and sets the last use in one
/// atomic UPDATE, so concurrent uses on any number of instances are all counted.
/// </summary>
public sealed class ApiKeyAuthenticator : IApiKeyAuthenticator
{
    /// <summary>The refusal of anything not shaped like a Foundation API key.</summary>
    public const string Malformed = "malformed API key";

    /// <summary>The refusal of an unknown key id or a wrong secret (the same answer for both).</summary>
    public const string Invalid = "invalid API key";

    /// <summary>The refusal of a deactivated key.</summary>
    public const string Inactive = "API key inactive";

    /// <summary>The refusal of an expired key.</summary>
    public const string Expired = "API key expired";

    /// <summary>The refusal when the key's owner is disabled.</summary>
    public const string OwnerDisabled = "user disabled";

    private const string DummyHash = "0000000000000000000000000000000000000000000000000000000000000000";

    private readonly AuthDbContext _db;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the authenticator.</summary>
    public ApiKeyAuthenticator(AuthDbContext db, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _db = db;
        _timeProvider = timeProvider;
    }

    /// <inheritdoc />
    public async ValueTask<CredentialCheck> AuthenticateAsync(string presentedKey, CancellationToken cancellationToken = default)
    {
        var presented = presentedKey?.Trim();
        if (presented is null || !ApiKeyFormat.TryParse(presented, out var keyIdSpan, out _))
        {
            return CredentialCheck.Refused(Malformed);
        }

        var keyId = keyIdSpan.ToString();
        var row = await (
            from k in _db.ApiKeys.AsNoTracking()
            join u in _db.Users.AsNoTracking() on k.UserId equals u.Id
            where k.KeyId == keyId
            select new KeyRow(k.Id, k.SecretHash, k.Scopes, k.IsActive, k.ExpiresAt, u.Id, u.TenantId, u.Email, u.Roles, u.Status))
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);

        var secret = presented.AsSpan(ApiKeyFormat.FullLength - ApiKeyFormat.SecretLength);

        // Hash and compare even for an unknown key id, so both refusals take the same time.
        var secretMatches = ApiKeyFormat.Verify(secret, row?.SecretHash ?? DummyHash);
        if (row is null || !secretMatches)
        {
            return CredentialCheck.Refused(Invalid);
        }

        if (!row.IsActive)
        {
            return CredentialCheck.Refused(Inactive);
        }

        var now = _timeProvider.GetUtcNow();
        if (row.ExpiresAt is { } expiresAt && expiresAt <= now)
        {
            return CredentialCheck.Refused(Expired);
        }

        if (row.Status != UserStatus.Active)
        {
            return CredentialCheck.Refused(OwnerDisabled);
        }

        // Atomic in the database: UPDATE ... SET use_count = use_count + 1; still conditional on the key being active,
        // so a deactivation that lands between the read and here wins.
        var id = row.Id;
        var counted = await _db.ApiKeys
            .Where(k => k.Id == id && k.IsActive)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.UseCount, k => k.UseCount + 1).SetProperty(k => k.LastUsedAt, now), cancellationToken)
            .ConfigureAwait(false);
        if (counted == 0)
        {
            return CredentialCheck.Refused(Inactive);
        }

        return CredentialCheck.Accepted(BuildPrincipal(keyId, row));
    }

    private static ClaimsPrincipal BuildPrincipal(string keyId, KeyRow row)
    {
        var claims = new List<Claim>(8)
        {
            new(AuthClaims.Subject, row.UserId.ToString()),
            new(AuthClaims.ApiKeyId, keyId),
        };
        if (row.TenantId.Length > 0)
        {
            claims.Add(new Claim(AuthClaims.Tenant, row.TenantId));
        }

        if (row.Email.Length > 0)
        {
            claims.Add(new Claim(AuthClaims.Email, row.Email));
        }

        AuthPrincipals.AddRoles(claims, row.Roles);
        foreach (var range in row.Scopes.AsSpan().Split(' '))
        {
            var scope = row.Scopes.AsSpan()[range];
            if (!scope.IsEmpty)
            {
                claims.Add(new Claim(AuthClaims.Scope, scope.ToString()));
            }
        }

        return AuthPrincipals.Create(claims);
    }

    private sealed record KeyRow(
        Guid Id, string SecretHash, string Scopes, bool IsActive, DateTimeOffset? ExpiresAt, Guid UserId, string TenantId, string Email, string Roles, UserStatus Status);
}
