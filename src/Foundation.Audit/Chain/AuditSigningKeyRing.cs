using System.Security.Cryptography;
using Foundation.Audit.Storage;
using Foundation.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Foundation.Audit.Chain;

/// <summary>
/// The HMAC-SHA256 keys checkpoints are signed with. Configured keys (<c>Foundation:Audit:Signing:Keys</c>) win; without any, keys are
/// generated with <see cref="RandomNumberGenerator"/> and stored in <c>audit_signing_keys</c> protected by the host's
/// <see cref="ISecretProtector"/>, the newest one signing. <see cref="RotateAsync"/> adds a new stored key; older keys stay to verify older
/// checkpoints.
/// </summary>
public sealed class AuditSigningKeyRing
{
    /// <summary>The <see cref="ISecretProtector"/> purpose of stored keys.</summary>
    public const string ProtectionPurpose = "Foundation.Audit.SigningKey";

    /// <summary>How long an instance signs with the stored keys it loaded before it looks for a newer one (another instance's rotation).</summary>
    internal static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(5);

    private readonly IOptionsMonitor<AuditOptions> _options;
    private readonly ISecretProtector? _protector;
    private readonly TimeProvider _time;
    private volatile Snapshot? _stored;

    /// <summary>Creates the key ring.</summary>
    public AuditSigningKeyRing(IOptionsMonitor<AuditOptions> options, TimeProvider time, ISecretProtector? protector = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options;
        _time = time;
        _protector = protector;
    }

    /// <summary>Whether keys come from configuration (then <see cref="RotateAsync"/> is refused: rotate by configuration).</summary>
    public bool UsesConfiguredKeys => _options.CurrentValue.Signing.Keys.Count > 0;

    internal static bool IsValidKeyId(string keyId) =>
        keyId is { Length: > 0 and <= 64 } && keyId.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    /// <summary>The key that signs new checkpoints.</summary>
    internal async Task<(string KeyId, byte[] Key)> GetActiveAsync(AuditDbContext db, CancellationToken cancellationToken)
    {
        var signing = _options.CurrentValue.Signing;
        if (signing.Keys.Count > 0)
        {
            var id = signing.ActiveKeyId ?? signing.Keys.Keys.First();
            return (id, Convert.FromBase64String(signing.Keys[id].Trim()));
        }

        var stored = await LoadStoredAsync(db, createIfEmpty: true, cancellationToken).ConfigureAwait(false);
        return stored.Active!.Value;
    }

    /// <summary>The key of <paramref name="keyId"/>, or <see langword="null"/> when unknown.</summary>
    internal async Task<byte[]?> FindAsync(AuditDbContext db, string keyId, CancellationToken cancellationToken)
    {
        var signing = _options.CurrentValue.Signing;
        if (signing.Keys.TryGetValue(keyId, out var configured))
        {
            return Convert.FromBase64String(configured.Trim());
        }

        if (_protector is null)
        {
            return null;
        }

        var stored = _stored;
        if (stored is null || !stored.Keys.ContainsKey(keyId))
        {
            stored = await LoadStoredAsync(db, createIfEmpty: false, cancellationToken, reload: true).ConfigureAwait(false);
        }

        return stored.Keys.TryGetValue(keyId, out var key) ? key : null;
    }

    /// <summary>
    /// Generates a new stored key that signs every checkpoint from now on (on this instance at once, on the others within five minutes,
    /// when their cache expires); returns its id.
    /// </summary>
    /// <exception cref="AuditConfigurationException">Keys are configured (rotate them in configuration), or no <see cref="ISecretProtector"/> is registered.</exception>
    public async Task<string> RotateAsync(AuditDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (UsesConfiguredKeys)
        {
            throw new AuditConfigurationException("Signing keys come from Foundation:Audit:Signing:Keys; rotate them there: add a key and set Foundation:Audit:Signing:ActiveKeyId to it.");
        }

        var protector = RequireProtector();
        var created = _time.GetUtcNow();
        var keyId = "k" + Guid.CreateVersion7(created).ToString("N");
        db.SigningKeys.Add(new AuditSigningKeyEntity
        {
            KeyId = keyId,
            ProtectedKey = protector.Protect(ProtectionPurpose, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))),
            CreatedAt = AuditCanonicalForm.ToMicroseconds(created),
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        _stored = null;
        return keyId;
    }

    private async Task<Snapshot> LoadStoredAsync(AuditDbContext db, bool createIfEmpty, CancellationToken cancellationToken, bool reload = false)
    {
        var current = _stored;
        if (current is not null && !reload && current.Active is not null && _time.GetUtcNow() - current.LoadedAt < CacheLifetime)
        {
            return current;
        }

        // No lock: concurrent loads read the same rows, and the first key is inserted "unless present".
        {
            var protector = RequireProtector();
            var rows = await db.SigningKeys.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
            if (rows.Count == 0 && createIfEmpty)
            {
                await CreateFirstKeyAsync(db, protector, cancellationToken).ConfigureAwait(false);
                rows = await db.SigningKeys.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
            }

            var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var row in rows)
            {
                keys[row.KeyId] = Convert.FromBase64String(protector.Unprotect(ProtectionPurpose, row.ProtectedKey));
            }

            var newest = rows.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.KeyId, StringComparer.Ordinal).FirstOrDefault();
            var snapshot = new Snapshot(keys, newest is null ? null : (newest.KeyId, keys[newest.KeyId]), _time.GetUtcNow());
            _stored = snapshot;
            return snapshot;
        }
    }

    private async Task CreateFirstKeyAsync(AuditDbContext db, ISecretProtector protector, CancellationToken cancellationToken)
    {
        // Several instances may start at once: a fixed first id plus "insert unless present" leaves exactly one first key.
        const string sql = "INSERT INTO audit_signing_keys (key_id, protected_key, created_at) VALUES ({0}, {1}, {2}) ON CONFLICT (key_id) DO NOTHING";
        var created = AuditCanonicalForm.ToMicroseconds(_time.GetUtcNow());
        object createdValue = db.IsSqlite ? created.UtcTicks : created;
        await db.Database.ExecuteSqlRawAsync(sql,
            ["k1", protector.Protect(ProtectionPurpose, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))), createdValue],
            cancellationToken).ConfigureAwait(false);
    }

    private ISecretProtector RequireProtector() => _protector ?? throw new AuditConfigurationException(
        "Foundation.Audit has no checkpoint signing key: set Foundation:Audit:Signing:Keys:<keyId> to base64 of 32 random bytes, or register an ISecretProtector (Foundation.Hosting does) so a key can be generated and stored protected.");

    private sealed record Snapshot(Dictionary<string, byte[]> Keys, (string KeyId, byte[] Key)? Active, DateTimeOffset LoadedAt);
}
