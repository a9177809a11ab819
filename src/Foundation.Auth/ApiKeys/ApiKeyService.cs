using System.Globalization;
using Foundation.Auditing;
using Foundation.Auth.Storage;
using Foundation.Callers;
using Foundation.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.ApiKeys;

/// <summary>
/// A user's API keys: create (the full key is returned once; only its hash is stored), list, get, delete, activate
/// and deactivate. Every operation is scoped to the owner <em>and</em> the tenant: another user's or tenant's key
/// is "not found". What changes a key's acceptance (deactivation, deletion) is evicted from this instance's
/// <see cref="ApiKeyValidationCache"/> at once; other instances see it within <see cref="ApiKeyValidationCache.TimeToLive"/>.
/// </summary>
public sealed class ApiKeyService
{
    /// <summary>The longest key name.</summary>
    public const int MaxNameLength = 100;

    /// <summary>The most scopes on one key.</summary>
    public const int MaxScopes = 20;

    /// <summary>The longest scope.</summary>
    public const int MaxScopeLength = 64;

    /// <summary>How far ahead an expiry may be: two years.</summary>
    public const int MaxLifetimeYears = 2;

    /// <summary>The audit action of a creation.</summary>
    public const string CreatedAuditAction = "auth.api_key.created";

    /// <summary>The audit action of a deletion.</summary>
    public const string DeletedAuditAction = "auth.api_key.deleted";

    /// <summary>The audit action of an activation.</summary>
    public const string ActivatedAuditAction = "auth.api_key.activated";

    /// <summary>The audit action of a deactivation.</summary>
    public const string DeactivatedAuditAction = "auth.api_key.deactivated";

    private readonly AuthDbContext _db;
    private readonly TimeProvider _timeProvider;
    private readonly IOptions<AuthOptions> _options;
    private readonly IAuditEventWriter _audit;
    private readonly ICurrentCaller _caller;
    private readonly ApiKeyValidationCache _cache;

    /// <summary>Creates the service.</summary>
    internal ApiKeyService(AuthDbContext db, TimeProvider timeProvider, IOptions<AuthOptions> options, IAuditEventWriter audit, ICurrentCaller caller, ApiKeyValidationCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(caller);
        _db = db;
        _timeProvider = timeProvider;
        _options = options;
        _audit = audit;
        _caller = caller;
        _cache = cache;
    }

    /// <summary>Creates a key for the user; the result carries the full key, which cannot be shown again.</summary>
    /// <param name="userId">The owner.</param>
    /// <param name="tenantId">The owner's tenant.</param>
    /// <param name="name">1 to 100 characters (trimmed).</param>
    /// <param name="scopes">At most 20, each of <c>a-z 0-9 : . _ -</c> and 1 to 64 characters; none means every scope of the owner.</param>
    /// <param name="expiresAt">In the future and at most two years ahead; none means it does not expire.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <exception cref="AuthValidationException">An input is invalid (<see cref="AuthValidationException.Field"/> names it), or the user already holds <see cref="ApiKeyOptions.MaxKeysPerUser"/> keys (field <c>apiKeys</c>); nothing was stored.</exception>
    public async Task<CreatedApiKey> CreateAsync(
        Guid userId, string tenantId, string name, IEnumerable<string>? scopes = null, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var now = _timeProvider.GetUtcNow();
        var validName = ValidateName(name);
        var validScopes = ValidateScopes(scopes);
        var validExpiry = ValidateExpiry(expiresAt, now);

        var max = _options.Value.ApiKeys.MaxKeysPerUser;
        var held = await _db.ApiKeys.CountAsync(k => k.UserId == userId && k.TenantId == tenantId, cancellationToken).ConfigureAwait(false);
        if (held >= max)
        {
            throw new AuthValidationException("apiKeys", string.Create(CultureInfo.InvariantCulture, $"You already hold {held} API keys, the most allowed is {max}; delete one you no longer use."));
        }

        var (keyId, secret, fullKey) = ApiKeyFormat.Generate();
        var record = new ApiKeyRecord
        {
            Id = Guid.CreateVersion7(now),
            TenantId = tenantId,
            UserId = userId,
            Name = validName,
            KeyId = keyId,
            SecretHash = ApiKeyFormat.HashSecret(secret),
            Scopes = string.Join(' ', validScopes),
            CreatedAt = now,
            ExpiresAt = validExpiry,
            IsActive = true,
        };
        _db.ApiKeys.Add(record);
        try
        {
            await _db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _db.Entry(record).State = EntityState.Detached;
        }

        // A lookup of this key id made before it existed may be cached as unknown.
        _cache.Invalidate(keyId);

        await AuditAsync(CreatedAuditAction, userId, tenantId, record.Id, keyId, now, cancellationToken).ConfigureAwait(false);
        return new CreatedApiKey(ToInfo(record), fullKey);
    }

    /// <summary>The user's keys, newest first.</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(Guid userId, string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var records = await Owned(userId, tenantId)
            .OrderByDescending(k => k.CreatedAt).ThenByDescending(k => k.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return records.ConvertAll(ToInfo);
    }

    /// <summary>The key <paramref name="id"/> of the user, or <see langword="null"/> when the user holds no such key in this tenant.</summary>
    public async Task<ApiKeyInfo?> GetAsync(Guid userId, string tenantId, Guid id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var record = await Owned(userId, tenantId).FirstOrDefaultAsync(k => k.Id == id, cancellationToken).ConfigureAwait(false);
        return record is null ? null : ToInfo(record);
    }

    /// <summary>Deletes the key <paramref name="id"/> of the user; <see langword="false"/> when there is no such key.</summary>
    public async Task<bool> DeleteAsync(Guid userId, string tenantId, Guid id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var keyId = await Owned(userId, tenantId).Where(k => k.Id == id).Select(k => k.KeyId).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        var deleted = await _db.ApiKeys.Where(k => k.Id == id && k.UserId == userId && k.TenantId == tenantId)
            .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        if (deleted == 0)
        {
            return false;
        }

        _cache.Invalidate(keyId!);

        await AuditAsync(DeletedAuditAction, userId, tenantId, id, keyId, _timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Activates or deactivates the key <paramref name="id"/> of the user; <see langword="false"/> when there is no such key.</summary>
    public async Task<bool> SetActiveAsync(Guid userId, string tenantId, Guid id, bool active, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var keyId = await Owned(userId, tenantId).Where(k => k.Id == id).Select(k => k.KeyId).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (keyId is null)
        {
            return false;
        }

        var updated = await _db.ApiKeys.Where(k => k.Id == id && k.UserId == userId && k.TenantId == tenantId)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.IsActive, active), cancellationToken).ConfigureAwait(false);
        _cache.Invalidate(keyId);
        if (updated == 0)
        {
            return false;
        }

        await AuditAsync(active ? ActivatedAuditAction : DeactivatedAuditAction, userId, tenantId, id, null, _timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return true;
    }

    internal static ApiKeyInfo ToInfo(ApiKeyRecord k) => new(
        k.Id,
        k.Name,
        k.KeyId,
        k.Scopes.Length == 0 ? [] : k.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries),
        k.CreatedAt,
        k.ExpiresAt,
        k.IsActive,
        k.LastUsedAt,
        k.UseCount);

    private IQueryable<ApiKeyRecord> Owned(Guid userId, string tenantId) =>
        _db.ApiKeys.AsNoTracking().Where(k => k.UserId == userId && k.TenantId == tenantId);

    private static string ValidateName(string? name)
    {
        var trimmed = name?.Trim() ?? string.Empty;
        if (trimmed.Length is 0 or > MaxNameLength)
        {
            throw new AuthValidationException("name", string.Create(CultureInfo.InvariantCulture, $"The name must be 1 to {MaxNameLength} characters."));
        }

        if (DisplayText.FindRefusedCharacter(trimmed) is { } refused)
        {
            throw new AuthValidationException("name", refused.Describe("The name"));
        }

        return trimmed;
    }

    private static List<string> ValidateScopes(IEnumerable<string>? scopes)
    {
        var result = new List<string>();
        if (scopes is null)
        {
            return result;
        }

        foreach (var scope in scopes)
        {
            if (!IsValidScope(scope))
            {
                throw new AuthValidationException("scopes", string.Create(CultureInfo.InvariantCulture,
                    $"Each scope must be 1 to {MaxScopeLength} characters of a-z, 0-9, ':', '.', '_' and '-'."));
            }

            if (!result.Contains(scope, StringComparer.Ordinal))
            {
                result.Add(scope);
            }

            if (result.Count > MaxScopes)
            {
                throw new AuthValidationException("scopes", string.Create(CultureInfo.InvariantCulture, $"A key may have at most {MaxScopes} scopes."));
            }
        }

        return result;
    }

    private static bool IsValidScope(string? scope)
    {
        if (scope is null || scope.Length is 0 or > MaxScopeLength)
        {
            return false;
        }

        foreach (var c in scope)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c is not (':' or '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static DateTimeOffset? ValidateExpiry(DateTimeOffset? expiresAt, DateTimeOffset now)
    {
        if (expiresAt is not { } at)
        {
            return null;
        }

        if (at <= now)
        {
            throw new AuthValidationException("expiresAt", "The expiry must be in the future.");
        }

        if (at > now.AddYears(MaxLifetimeYears))
        {
            throw new AuthValidationException("expiresAt", string.Create(CultureInfo.InvariantCulture, $"The expiry must be at most {MaxLifetimeYears} years ahead."));
        }

        // PostgreSQL's timestamptz takes UTC only; microseconds are what it keeps.
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % 10), TimeSpan.Zero);
    }

    private ValueTask AuditAsync(string action, Guid userId, string tenantId, Guid id, string? keyId, DateTimeOffset now, CancellationToken cancellationToken) =>
        _audit.WriteAsync(
            new AuditEvent(action, AuditOutcome.Success)
            {
                OccurredAt = now,
                ActorUserId = _caller.UserId ?? userId.ToString(),
                TenantId = tenantId,
                TargetType = "api_key",
                TargetId = id.ToString(),
                RequestId = _caller.RequestId,
                Data = new Dictionary<string, string?>(StringComparer.Ordinal)
                {
                    ["userId"] = userId.ToString(),
                    ["keyId"] = keyId,
                },
            },
            cancellationToken);
}
