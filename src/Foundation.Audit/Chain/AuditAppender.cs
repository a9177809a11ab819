using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Foundation.Audit.Diagnostics;
using Foundation.Audit.PersonalData;
using Foundation.Audit.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Foundation.Audit.Chain;

/// <summary>
/// Appends events to their tenants' chains in one transaction. Per tenant it locks the head row (<c>SELECT ... FOR UPDATE</c> on
/// PostgreSQL; on SQLite the transaction is <c>BEGIN IMMEDIATE</c>, so there is one writer at a time), numbers the events from the head's
/// sequence, links each to the previous hash, writes them and moves the head. Tenants are locked in ordinal order so two instances never
/// deadlock. A checkpoint is signed when the tenant's chain has grown by <see cref="AuditCheckpointOptions.EveryEvents"/> or
/// <see cref="AuditCheckpointOptions.EverySeconds"/> have passed since its last one.
/// </summary>
internal sealed class AuditAppender
{
    private readonly AuditSigningKeyRing _keys;
    private readonly IOptionsMonitor<AuditOptions> _options;
    private readonly TimeProvider _time;
    private readonly AuditTelemetry _telemetry;
    private readonly AuditSubjectKeys _subjectKeys;

    public AuditAppender(AuditSigningKeyRing keys, IOptionsMonitor<AuditOptions> options, TimeProvider time, AuditTelemetry telemetry, AuditSubjectKeys subjectKeys)
    {
        _subjectKeys = subjectKeys;
        _keys = keys;
        _options = options;
        _time = time;
        _telemetry = telemetry;
    }

    /// <summary>Appends <paramref name="batch"/> (in its order) and returns how many were appended.</summary>
    /// <param name="db">A fresh context.</param>
    /// <param name="batch">Prepared events: everything but <c>Seq</c>, <c>PrevHash</c> and <c>Hash</c>, which are set here.</param>
    /// <param name="skipExisting">Skip ids already stored (a retry after a commit whose acknowledgement was lost).</param>
    /// <param name="cancellationToken">Cancels the append; nothing is written then.</param>
    public async Task<int> AppendAsync(AuditDbContext db, IReadOnlyList<AuditEventEntity> batch, bool skipExisting, CancellationToken cancellationToken)
    {
        IReadOnlyList<AuditEventEntity> rows = batch;
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            var tx = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                if (skipExisting)
                {
                    var ids = batch.Select(e => e.Id).ToList();
                    var existing = new HashSet<Guid>(await db.Events.AsNoTracking().Where(e => ids.Contains(e.Id)).Select(e => e.Id)
                        .ToListAsync(ct).ConfigureAwait(false));
                    rows = [.. batch.Where(e => !existing.Contains(e.Id))];
                }

                var now = AuditCanonicalForm.ToMicroseconds(_time.GetUtcNow());
                var chained = new List<AuditEventEntity>(rows.Count);
                foreach (var group in rows.GroupBy(e => e.TenantId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
                {
                    var head = await LockHeadAsync(db, group.Key, now, ct).ConfigureAwait(false);
                    if (_subjectKeys.Enabled)
                    {
                        await EncryptPersonalFieldsAsync(db, group.Key, group, ct).ConfigureAwait(false);
                    }

                    foreach (var e in group)
                    {
                        e.Seq = ++head.LastSeq;
                        e.PrevHash = head.LastHash;
                        e.Hash = AuditCanonicalForm.EventHash(e);
                        head.LastHash = e.Hash;
                        chained.Add(e);

                        // Exactly every N events, whatever the batch size: a checkpoint lands on each multiple of EveryEvents.
                        if (head.LastSeq - head.CheckpointSeq >= _options.CurrentValue.Checkpoints.EveryEvents)
                        {
                            await CheckpointIfDueAsync(db, head, now, force: true, ct).ConfigureAwait(false);
                        }
                    }

                    await CheckpointIfDueAsync(db, head, now, force: false, ct).ConfigureAwait(false);
                }

                await AuditEventInserter.InsertAsync(db, chained, ct).ConfigureAwait(false);
                await db.SaveChangesAsync(ct).ConfigureAwait(false); // heads and checkpoints
                await tx.CommitAsync(ct).ConfigureAwait(false);
                db.ChangeTracker.Clear();
                return rows.Count;
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Replaces the personal fields of <paramref name="events"/> (from their clear copy, so a retried batch encrypts afresh) with their
    /// AES-GCM ciphertext under each subject's data key, before they are hashed: the chain covers the ciphertext.
    /// </summary>
    private async Task EncryptPersonalFieldsAsync(AuditDbContext db, string tenantId, IEnumerable<AuditEventEntity> events, CancellationToken ct)
    {
        HashSet<string>? subjects = null;
        foreach (var e in events)
        {
            if (e.Personal is { } p)
            {
                (subjects ??= new HashSet<string>(StringComparer.Ordinal)).Add(p.Subject);
            }
        }

        if (subjects is null)
        {
            return;
        }

        var keys = await _subjectKeys.GetOrCreateAsync(db, tenantId, subjects, ct).ConfigureAwait(false);
        var ciphers = new Dictionary<string, (string KeyPrefix, AesGcm Aes)>(keys.Count, StringComparer.Ordinal);

        // One AES-GCM operation per event (all its personal fields sealed as one enc2 value), and one random draw for every nonce of the
        // batch: each event still gets its own 12 random bytes (see AuditFieldCipher).
        var sealedEvents = 0;
        foreach (var e in events)
        {
            sealedEvents += e.Personal is null ? 0 : 1;
        }

        var nonces = ArrayPool<byte>.Shared.Rent(sealedEvents * AuditFieldCipher.NonceSize);
        try
        {
            RandomNumberGenerator.Fill(nonces.AsSpan(0, sealedEvents * AuditFieldCipher.NonceSize));
            foreach (var (subject, key) in keys)
            {
                ciphers[subject] = (AuditFieldCipher.KeyPrefix2(key.Id), new AesGcm(key.Key, 16));
            }

            var next = 0;
            foreach (var e in events)
            {
                if (e.Personal is not { } p)
                {
                    continue;
                }

                var (keyPrefix, aes) = ciphers[p.Subject];
                var nonce = nonces.AsSpan(next++ * AuditFieldCipher.NonceSize, AuditFieldCipher.NonceSize);
                e.Details = AuditFieldCipher.EncryptFields(aes, keyPrefix, e.Id, p.ActorUserId, p.ClientIp, p.UserAgent, p.Details, nonce);

                // The other personal columns keep only whether they had a value, and under which key (the actor filter matches on it).
                e.ActorUserId = p.ActorUserId is null ? null : keyPrefix;
                e.ClientIp = p.ClientIp is null ? null : keyPrefix;
                e.UserAgent = p.UserAgent is null ? null : keyPrefix;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(nonces);
            foreach (var (_, aes) in ciphers.Values)
            {
                aes.Dispose();
            }
        }
    }

    /// <summary>Signs a checkpoint for every tenant whose newest events are older than the checkpoint interval; returns how many.</summary>
    public async Task<int> CheckpointIdleTenantsAsync(AuditDbContext db, CancellationToken cancellationToken)
    {
        var now = AuditCanonicalForm.ToMicroseconds(_time.GetUtcNow());
        var due = now.AddSeconds(-_options.CurrentValue.Checkpoints.EverySeconds);
        var tenants = await db.Heads.AsNoTracking().Where(h => h.LastSeq > h.CheckpointSeq && h.CheckpointAt <= due)
            .Select(h => h.TenantId).ToListAsync(cancellationToken).ConfigureAwait(false);
        var written = 0;
        foreach (var tenant in tenants.Order(StringComparer.Ordinal))
        {
            written += await CheckpointAsync(db, tenant, force: false, "regular", cancellationToken).ConfigureAwait(false) is null ? 0 : 1;
        }

        return written;
    }

    /// <summary>
    /// Signs a checkpoint of <paramref name="tenantId"/>'s chain as it is now (when <paramref name="force"/>, even if nothing is due) and
    /// returns it, or <see langword="null"/> when none was written (nothing new since the last one).
    /// </summary>
    public async Task<AuditCheckpointEntity?> CheckpointAsync(AuditDbContext db, string tenantId, bool force, string kind, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            var tx = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                var now = AuditCanonicalForm.ToMicroseconds(_time.GetUtcNow());
                var head = await LockHeadAsync(db, tenantId, now, ct).ConfigureAwait(false);
                var checkpoint = await CheckpointIfDueAsync(db, head, now, force, ct, kind).ConfigureAwait(false);
                await db.SaveChangesAsync(ct).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
                db.ChangeTracker.Clear();
                return checkpoint;
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    internal static async Task<AuditChainHeadEntity> LockHeadAsync(AuditDbContext db, string tenantId, DateTimeOffset now, CancellationToken ct)
    {
        object at = db.IsSqlite ? now.UtcTicks : now;
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO audit_chain_heads (tenant_id, last_seq, last_hash, checkpoint_seq, checkpoint_at) VALUES ({0}, 0, {1}, 0, {2}) ON CONFLICT (tenant_id) DO NOTHING",
            [tenantId, AuditCanonicalForm.GenesisHash, at], ct).ConfigureAwait(false);
        var sql = db.IsSqlite
            ? "SELECT * FROM audit_chain_heads WHERE tenant_id = {0}"
            : "SELECT * FROM audit_chain_heads WHERE tenant_id = {0} FOR UPDATE";
        var heads = await db.Heads.FromSqlRaw(sql, tenantId).ToListAsync(ct).ConfigureAwait(false);
        return heads[0];
    }

    internal async Task<AuditCheckpointEntity?> CheckpointIfDueAsync(AuditDbContext db, AuditChainHeadEntity head, DateTimeOffset now, bool force,
        CancellationToken ct, string kind = "regular")
    {
        var options = _options.CurrentValue.Checkpoints;
        var pending = head.LastSeq - head.CheckpointSeq;
        var due = force || pending >= options.EveryEvents || (pending > 0 && now - head.CheckpointAt >= TimeSpan.FromSeconds(options.EverySeconds));
        if (!due || (pending == 0 && !force))
        {
            return null;
        }

        var (keyId, key) = await _keys.GetActiveAsync(db, ct).ConfigureAwait(false);
        var checkpoint = new AuditCheckpointEntity
        {
            Id = Guid.CreateVersion7(now),
            TenantId = head.TenantId,
            Seq = head.LastSeq,
            Hash = head.LastHash,
            CreatedAt = now,
            Kind = kind,
            KeyId = keyId,
        };
        checkpoint.Signature = Sign(key, checkpoint);
        db.Checkpoints.Add(checkpoint);
        head.CheckpointSeq = head.LastSeq;
        head.CheckpointAt = now;
        _telemetry.RecordCheckpoint();
        return checkpoint;
    }

    internal static string Sign(byte[] key, AuditCheckpointEntity checkpoint) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, AuditCanonicalForm.Checkpoint(checkpoint)));

    internal static bool SignatureMatches(byte[] key, AuditCheckpointEntity checkpoint) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(key, checkpoint)), Encoding.ASCII.GetBytes(checkpoint.Signature ?? ""));
}
