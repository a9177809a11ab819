using System.Security.Claims;
using Foundation.Auth.Authentication;
using Foundation.Auth.Storage;
using Foundation.Auth.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Auth.ApiKeys;

/// <summary>
/// Authenticates <c>fnd_{keyId}_{secret}</c> keys: the format is checked before any database work; the key and its
/// owner are read in one query by key id, and that read is reused for up to 5 s through
/// <see cref="ApiKeyValidationCache"/> (an unknown key id too); the secret's SHA-256 is compared in constant time on
/// <em>every</em> call (against a dummy hash for an unknown key id, so both refusals take the same time); then the
/// key must be active, unexpired by the current time and its owner active. An accepted use is counted by
/// <see cref="ApiKeyUsageRecorder"/> in memory and written in the background, so a request with a cached key makes
/// no database round trip at all.
/// </summary>
/// <remarks>
/// Trade-offs (documented in docs/auth.md): a deactivation, deletion or owner disable made on another instance takes
/// effect here within 5 s (at once on this instance, which evicts what it changes); <see cref="ApiKeyInfo.UseCount"/>
/// and <see cref="ApiKeyInfo.LastUsedAt"/> trail by up to <see cref="ApiKeyOptions.UsageFlushInterval"/>. Uses on any
/// number of instances are all counted (the background writes are increments).
/// </remarks>
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

    private static readonly byte[] DummyHash = new byte[32];

    private readonly IServiceScopeFactory _scopeFactory;
    private readonly TimeProvider _timeProvider;
    private readonly ApiKeyValidationCache _cache;
    private readonly ApiKeyUsageRecorder _usage;

    /// <summary>
    /// Creates the authenticator (a singleton): on a cache miss it reads the key in a scope of its own, with the
    /// store's pooled <see cref="AuthDbContext"/>.
    /// </summary>
    internal ApiKeyAuthenticator(IServiceScopeFactory scopeFactory, TimeProvider timeProvider, ApiKeyValidationCache cache, ApiKeyUsageRecorder usage)
    {
        ArgumentNullException.ThrowIfNull(scopeFactory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(usage);
        _scopeFactory = scopeFactory;
        _timeProvider = timeProvider;
        _cache = cache;
        _usage = usage;
    }

    /// <inheritdoc />
    public ValueTask<CredentialCheck> AuthenticateAsync(string presentedKey, CancellationToken cancellationToken = default)
    {
        var presented = presentedKey is null ? default : presentedKey.AsSpan().Trim();
        if (!ApiKeyFormat.TryParse(presented, out var keyId, out var secret))
        {
            return ValueTask.FromResult(CredentialCheck.Refused(Malformed));
        }

        var now = _timeProvider.GetUtcNow();
        if (_cache.TryGet(keyId, now, out var snapshot))
        {
            return ValueTask.FromResult(Check(snapshot, secret, now));
        }

        return ReadAndCheckAsync(keyId.ToString(), secret.ToString(), cancellationToken);
    }

    private async ValueTask<CredentialCheck> ReadAndCheckAsync(string keyId, string secret, CancellationToken cancellationToken)
    {
        var generation = _cache.Generation;
        var readAt = _timeProvider.GetUtcNow();
        var snapshot = await ReadAsync(keyId, cancellationToken).ConfigureAwait(false);
        _cache.Set(keyId, snapshot, readAt, generation);
        return Check(snapshot, secret, _timeProvider.GetUtcNow());
    }

    private async Task<ApiKeySnapshot?> ReadAsync(string keyId, CancellationToken cancellationToken)
    {
        var scope = _scopeFactory.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = AuthStoreServices.GetDbContext(scope.ServiceProvider);
            var row = await (
                from k in db.ApiKeys.AsNoTracking()
                join u in db.Users.AsNoTracking() on k.UserId equals u.Id
                where k.KeyId == keyId

                // A key acts in the organisation it was made in, with its owner's current role there; none when the
                // owner left it (the key is then refused as inactive).
                let role = db.OrganizationMembers.Where(m => m.OrganizationId == k.TenantId && m.UserId == u.Id).Select(m => m.Role).FirstOrDefault()
                let legacy = k.TenantId == u.TenantId && u.Roles != "" && !db.Organizations.Any(o => o.Id == k.TenantId)
                let team = db.TeamMembers
                    .Where(tm => tm.UserId == u.Id && db.Teams.Any(t => t.Id == tm.TeamId && t.OrganizationId == k.TenantId))
                    .OrderBy(tm => tm.AddedAt).ThenBy(tm => tm.TeamId).Select(tm => (Guid?)tm.TeamId).FirstOrDefault()
                select new { k.Id, k.SecretHash, k.Scopes, k.IsActive, k.ExpiresAt, UserId = u.Id, k.TenantId, u.Email, Roles = role ?? (legacy ? u.Roles : null), u.Status, Team = team })
                .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            return row is null
                ? null
                : new ApiKeySnapshot(keyId, row.Id, ApiKeyFormat.DecodeHash(row.SecretHash), row.Scopes, row.IsActive && row.Roles is not null, row.ExpiresAt, row.UserId, row.TenantId, row.Email, row.Roles ?? string.Empty, row.Status, row.Team?.ToString());
        }
    }

    private CredentialCheck Check(ApiKeySnapshot? key, ReadOnlySpan<char> secret, DateTimeOffset now)
    {
        // Hash and compare even for an unknown key id, so both refusals take the same time.
        var secretMatches = ApiKeyFormat.Verify(secret, key is null ? DummyHash : key.SecretHash);
        if (key is null || !secretMatches)
        {
            return CredentialCheck.Refused(Invalid);
        }

        if (!key.IsActive)
        {
            return CredentialCheck.Refused(Inactive);
        }

        if (key.ExpiresAt is { } expiresAt && expiresAt <= now)
        {
            return CredentialCheck.Refused(Expired);
        }

        if (key.Status != UserStatus.Active)
        {
            return CredentialCheck.Refused(OwnerDisabled);
        }

        _usage.Record(key.Id, now);
        return CredentialCheck.Accepted(BuildPrincipal(key));
    }

    private static ClaimsPrincipal BuildPrincipal(ApiKeySnapshot row)
    {
        var claims = new List<Claim>(8)
        {
            new(AuthClaims.Subject, row.UserId.ToString()),
            new(AuthClaims.ApiKeyId, row.KeyId),
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
        if (row.TeamId is { } team)
        {
            claims.Add(new Claim(AuthClaims.Team, team));
        }

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
}
