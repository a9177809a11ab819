using System.Collections.Concurrent;
using System.Security.Cryptography;
using Foundation.Audit.Storage;
using Foundation.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Foundation.Audit.PersonalData;

/// <summary>
/// The per-person data keys of encrypted personal fields (<c>audit_subject_keys</c>): 256 random bits from
/// <see cref="RandomNumberGenerator"/> per (tenant, user), stored protected by the host's <see cref="ISecretProtector"/> (purpose
/// <see cref="ProtectionPurpose"/>).
/// </summary>
/// <remarks>
/// Unprotecting a key (ASP.NET Core Data Protection) is what costs, so unprotected keys are kept in memory by key id for at most
/// <see cref="CacheLifetime"/>. The cache never decides whether a key exists: every append batch and every read still loads the key rows it
/// needs from <c>audit_subject_keys</c> and uses a cached key only for a row found there. An erasure deletes the row, so from its commit no
/// instance encrypts or decrypts with that key again; this instance also drops the cached copy at once, other instances when it expires
/// (the destroyed key's bytes stay in their memory for at most <see cref="CacheLifetime"/>, unused).
/// </remarks>
internal sealed class AuditSubjectKeys
{
    public const string ProtectionPurpose = "Foundation.Audit.SubjectKey";

    /// <summary>How long an unprotected key stays in memory after it was unprotected.</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(5);

    /// <summary>The most keys kept; beyond it the cache is emptied (the next batches unprotect again).</summary>
    public const int CacheCapacity = 10_000;

    private readonly ConcurrentDictionary<Guid, (byte[] Key, DateTimeOffset Until)> _cache = new();

    private readonly IOptionsMonitor<AuditOptions> _options;
    private readonly TimeProvider _time;
    private readonly ISecretProtector? _protector;

    public AuditSubjectKeys(IOptionsMonitor<AuditOptions> options, TimeProvider time, ISecretProtector? protector = null)
    {
        _options = options;
        _time = time;
        _protector = protector;
    }

    /// <summary>Whether new events get their personal fields encrypted.</summary>
    public bool Enabled => _protector is not null && _options.CurrentValue.PersonalData.EncryptFields != false;

    /// <summary>
    /// The keys of <paramref name="subjects"/> in <paramref name="tenantId"/>, creating the missing ones, inside the caller's transaction
    /// (the appender holds the tenant's head lock, so two instances never create a tenant's keys at once; ON CONFLICT covers the rest).
    /// </summary>
    public async Task<Dictionary<string, (Guid Id, byte[] Key)>> GetOrCreateAsync(AuditDbContext db, string tenantId, IReadOnlyCollection<string> subjects,
        CancellationToken cancellationToken)
    {
        var protector = _protector ?? throw new InvalidOperationException("No ISecretProtector is registered.");
        var keys = await LoadAsync(db, tenantId, subjects, cancellationToken).ConfigureAwait(false);
        if (keys.Count == subjects.Count)
        {
            return keys;
        }

        var now = _time.GetUtcNow();
        var missing = subjects.Where(s => !keys.ContainsKey(s)).ToList();
        foreach (var subject in missing)
        {
            var id = Guid.CreateVersion7(now);
            var protectedKey = protector.Protect(ProtectionPurpose, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            object idValue = db.IsSqlite ? id.ToString().ToUpperInvariant() : id;
            object at = db.IsSqlite ? now.UtcTicks : now;
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO audit_subject_keys (id, tenant_id, subject_id, protected_key, created_at) VALUES ({0}, {1}, {2}, {3}, {4}) ON CONFLICT (tenant_id, subject_id) DO NOTHING",
                [idValue, tenantId, subject, protectedKey, at], cancellationToken).ConfigureAwait(false);
        }

        foreach (var (subject, key) in await LoadAsync(db, tenantId, missing, cancellationToken).ConfigureAwait(false))
        {
            keys[subject] = key;
        }

        return keys;
    }

    /// <summary>The keys still existing among <paramref name="ids"/> (an erased person's key is absent).</summary>
    public async Task<Dictionary<Guid, byte[]>> FindAsync(AuditDbContext db, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        var result = new Dictionary<Guid, byte[]>();
        if (ids.Count == 0 || _protector is null)
        {
            return result;
        }

        var rows = await db.SubjectKeys.AsNoTracking().Where(k => ids.Contains(k.Id)).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var row in rows)
        {
            if ((Cached(row.Id) ?? Remember(row.Id, TryUnprotect(row.ProtectedKey))) is { } key)
            {
                result[row.Id] = key;
            }
        }

        return result;
    }

    /// <summary>The id of <paramref name="subject"/>'s key in <paramref name="tenantId"/>, if one exists.</summary>
    public static async Task<Guid?> FindIdAsync(AuditDbContext db, string tenantId, string subject, CancellationToken cancellationToken)
    {
        var ids = await db.SubjectKeys.AsNoTracking().Where(k => k.TenantId == tenantId && k.SubjectId == subject).Select(k => k.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return ids.Count == 0 ? null : ids[0];
    }

    /// <summary>Destroys <paramref name="subject"/>'s key in <paramref name="tenantId"/> and drops it from this instance's cache; returns whether there was one.</summary>
    public async Task<bool> DestroyAsync(AuditDbContext db, string tenantId, string subject, CancellationToken cancellationToken)
    {
        var ids = await db.SubjectKeys.AsNoTracking().Where(k => k.TenantId == tenantId && k.SubjectId == subject).Select(k => k.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var deleted = await db.SubjectKeys.Where(k => k.TenantId == tenantId && k.SubjectId == subject).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        foreach (var id in ids)
        {
            _cache.TryRemove(id, out _);
        }

        return deleted > 0;
    }

    private async Task<Dictionary<string, (Guid Id, byte[] Key)>> LoadAsync(AuditDbContext db, string tenantId, IReadOnlyCollection<string> subjects,
        CancellationToken cancellationToken)
    {
        var list = subjects.ToList();
        var rows = await db.SubjectKeys.AsNoTracking().Where(k => k.TenantId == tenantId && list.Contains(k.SubjectId)).ToListAsync(cancellationToken)
            .ConfigureAwait(false);
        var keys = new Dictionary<string, (Guid, byte[])>(rows.Count, StringComparer.Ordinal);
        foreach (var row in rows)
        {
            // A key this instance cannot unprotect fails the batch (it is retried, nothing is lost), as a signing key does.
            keys[row.SubjectId] = (row.Id, Cached(row.Id) ?? Remember(row.Id, Convert.FromBase64String(_protector!.Unprotect(ProtectionPurpose, row.ProtectedKey)))!);
        }

        return keys;
    }

    /// <summary>The cached key of a row just loaded (so it exists), unless it expired.</summary>
    private byte[]? Cached(Guid id)
    {
        if (!_cache.TryGetValue(id, out var entry))
        {
            return null;
        }

        if (entry.Until > _time.GetUtcNow())
        {
            return entry.Key;
        }

        _cache.TryRemove(id, out _);
        return null;
    }

    private byte[]? Remember(Guid id, byte[]? key)
    {
        if (key is null)
        {
            return null;
        }

        if (_cache.Count >= CacheCapacity)
        {
            _cache.Clear();
        }

        _cache[id] = (key, _time.GetUtcNow() + CacheLifetime);
        return key;
    }

    private byte[]? TryUnprotect(string protectedKey)
    {
        try
        {
            return Convert.FromBase64String(_protector!.Unprotect(ProtectionPurpose, protectedKey));
        }
        catch (SecretProtectionException)
        {
            return null;
        }
    }
}
