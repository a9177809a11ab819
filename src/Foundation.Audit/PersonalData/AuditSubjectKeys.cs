using System.Security.Cryptography;
using Foundation.Audit.Storage;
using Foundation.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Foundation.Audit.PersonalData;

/// <summary>
/// The per-person data keys of encrypted personal fields (<c>audit_subject_keys</c>): 256 random bits from
/// <see cref="RandomNumberGenerator"/> per (tenant, user), stored protected by the host's <see cref="ISecretProtector"/> (purpose
/// <see cref="ProtectionPurpose"/>). Nothing is cached between calls, so a key destroyed by an erasure on one instance is gone for every
/// instance at once.
/// </summary>
internal sealed class AuditSubjectKeys
{
    public const string ProtectionPurpose = "Foundation.Audit.SubjectKey";

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
            if (TryUnprotect(row.ProtectedKey) is { } key)
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

    /// <summary>Destroys <paramref name="subject"/>'s key in <paramref name="tenantId"/>; returns whether there was one.</summary>
    public static async Task<bool> DestroyAsync(AuditDbContext db, string tenantId, string subject, CancellationToken cancellationToken) =>
        await db.SubjectKeys.Where(k => k.TenantId == tenantId && k.SubjectId == subject).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false) > 0;

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
            keys[row.SubjectId] = (row.Id, Convert.FromBase64String(_protector!.Unprotect(ProtectionPurpose, row.ProtectedKey)));
        }

        return keys;
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
