using System.Globalization;
using Foundation.Audit.Chain;
using Foundation.Audit.Storage;
using Foundation.Auditing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Foundation.Audit.Retention;

/// <summary>The outcome of one purge of a tenant's audit log.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="OnLegalHold">Whether nothing was purged because of a legal hold.</param>
/// <param name="EventsDeleted">Events deleted.</param>
/// <param name="SealedThroughSeq">The sequence number of the seal checkpoint written at the cut, or <see langword="null"/> when nothing was due.</param>
public sealed record AuditPurgeResult(string TenantId, bool OnLegalHold, long EventsDeleted, long? SealedThroughSeq);

/// <summary>A tenant's legal hold.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="Reason">Why.</param>
/// <param name="PlacedBy">Who placed it.</param>
/// <param name="PlacedAt">When.</param>
public sealed record AuditLegalHold(string TenantId, string Reason, string? PlacedBy, DateTimeOffset PlacedAt);

/// <summary>
/// Retention per action category (<see cref="AuditRetentionOptions"/>) and legal holds. A purge cuts the oldest part of a tenant's chain,
/// as far as every event is past its category's retention, deletes it and writes a signed <c>seal</c> checkpoint at the cut in the same
/// transaction (under the tenant's head lock), so verification starts from the seal and the rest of the chain still verifies. A tenant
/// under legal hold is never purged.
/// </summary>
public sealed class AuditRetentionService
{
    private readonly AuditDbContext _db;
    private readonly AuditAppender _appender;
    private readonly AuditSigningKeyRing _keys;
    private readonly IOptionsMonitor<AuditOptions> _options;
    private readonly TimeProvider _time;
    private readonly IAuditEventWriter _audit;

    internal AuditRetentionService(AuditDbContext db, AuditAppender appender, AuditSigningKeyRing keys, IOptionsMonitor<AuditOptions> options, TimeProvider time,
        IAuditEventWriter audit)
    {
        _db = db;
        _appender = appender;
        _keys = keys;
        _options = options;
        _time = time;
        _audit = audit;
    }

    /// <summary>Purges what is due in <paramref name="tenantId"/>'s chain (up to <see cref="AuditRetentionOptions.MaxEventsPerRun"/> events).</summary>
    public async Task<AuditPurgeResult> PurgeAsync(string? tenantId, CancellationToken cancellationToken = default)
    {
        var tenant = tenantId ?? "";
        var retention = _options.CurrentValue.Retention;
        var strategy = _db.Database.CreateExecutionStrategy();
        var result = await strategy.ExecuteAsync(async ct =>
        {
            var tx = await _db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                var now = AuditCanonicalForm.ToMicroseconds(_time.GetUtcNow());
                await AuditAppender.LockHeadAsync(_db, tenant, now, ct).ConfigureAwait(false);
                if (await _db.LegalHolds.AnyAsync(h => h.TenantId == tenant, ct).ConfigureAwait(false))
                {
                    return new AuditPurgeResult(tenant, true, 0, null);
                }

                var sealedThrough = await _db.Checkpoints.Where(c => c.TenantId == tenant && c.Kind == "seal").MaxAsync(c => (long?)c.Seq, ct).ConfigureAwait(false) ?? 0;
                var candidates = await _db.Events.AsNoTracking().Where(e => e.TenantId == tenant && e.Seq > sealedThrough).OrderBy(e => e.Seq)
                    .Take(retention.MaxEventsPerRun).Select(e => new { e.Seq, e.Action, e.OccurredAt, e.Hash }).ToListAsync(ct).ConfigureAwait(false);
                long cut = 0;
                var cutHash = "";
                foreach (var c in candidates)
                {
                    var days = retention.DaysFor(c.Action);
                    if (days == 0 || c.OccurredAt > now.AddDays(-days))
                    {
                        break; // the chain can only be cut before the oldest event still kept
                    }

                    cut = c.Seq;
                    cutHash = c.Hash;
                }

                if (cut == 0)
                {
                    return new AuditPurgeResult(tenant, false, 0, null);
                }

                var (keyId, key) = await _keys.GetActiveAsync(_db, ct).ConfigureAwait(false);
                var seal = new AuditCheckpointEntity
                {
                    Id = Guid.CreateVersion7(now), TenantId = tenant, Seq = cut, Hash = cutHash, CreatedAt = now, Kind = "seal", KeyId = keyId,
                };
                seal.Signature = AuditAppender.Sign(key, seal);
                _db.Checkpoints.Add(seal);
                await _db.SaveChangesAsync(ct).ConfigureAwait(false);
                var deleted = await _db.Events.Where(e => e.TenantId == tenant && e.Seq <= cut).ExecuteDeleteAsync(ct).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
                _db.ChangeTracker.Clear();
                return new AuditPurgeResult(tenant, false, deleted, cut);
            }
        }, cancellationToken).ConfigureAwait(false);

        if (result.SealedThroughSeq is { } through)
        {
            await _audit.WriteAsync(new AuditEvent("audit.purged", AuditOutcome.Success)
            {
                TenantId = tenant,
                Data = new Dictionary<string, string?>(StringComparer.Ordinal)
                {
                    ["events"] = result.EventsDeleted.ToString(CultureInfo.InvariantCulture),
                    ["sealedThroughSeq"] = through.ToString(CultureInfo.InvariantCulture),
                },
            }, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>Purges every tenant's chain; returns the tenants where something was deleted.</summary>
    public async Task<IReadOnlyList<AuditPurgeResult>> PurgeAllAsync(CancellationToken cancellationToken = default)
    {
        var tenants = await _db.Heads.AsNoTracking().Select(h => h.TenantId).ToListAsync(cancellationToken).ConfigureAwait(false);
        var results = new List<AuditPurgeResult>();
        foreach (var tenant in tenants.Order(StringComparer.Ordinal))
        {
            var result = await PurgeAsync(tenant, cancellationToken).ConfigureAwait(false);
            if (result.EventsDeleted > 0)
            {
                results.Add(result);
            }
        }

        return results;
    }

    /// <summary>The tenant's legal hold, or <see langword="null"/>.</summary>
    public async Task<AuditLegalHold?> GetLegalHoldAsync(string? tenantId, CancellationToken cancellationToken = default)
    {
        var tenant = tenantId ?? "";
        var hold = await _db.LegalHolds.AsNoTracking().FirstOrDefaultAsync(h => h.TenantId == tenant, cancellationToken).ConfigureAwait(false);
        return hold is null ? null : new AuditLegalHold(hold.TenantId, hold.Reason, hold.PlacedBy, hold.PlacedAt);
    }

    /// <summary>Places (or updates) a legal hold on <paramref name="tenantId"/>: nothing of its audit log is purged until it is released. Audited.</summary>
    /// <exception cref="AuditValidationException"><paramref name="reason"/> is empty or longer than 512 characters.</exception>
    public async Task<AuditLegalHold> PlaceLegalHoldAsync(string? tenantId, string? reason, string? placedBy, CancellationToken cancellationToken = default)
    {
        var tenant = tenantId ?? "";
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > AuditColumnLengths.Reason)
        {
            throw new AuditValidationException("reason", "reason is required (1 to 512 characters): say why the audit log must be kept, e.g. a case number.");
        }

        var now = AuditCanonicalForm.ToMicroseconds(_time.GetUtcNow());
        var hold = await _db.LegalHolds.FirstOrDefaultAsync(h => h.TenantId == tenant, cancellationToken).ConfigureAwait(false);
        if (hold is null)
        {
            hold = new AuditLegalHoldEntity { TenantId = tenant };
            _db.LegalHolds.Add(hold);
        }

        hold.Reason = reason.Trim();
        hold.PlacedBy = placedBy is null ? null : placedBy[..Math.Min(placedBy.Length, AuditColumnLengths.ActorId)];
        hold.PlacedAt = now;
        await _db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await _audit.WriteAsync(new AuditEvent("audit.legal_hold.placed", AuditOutcome.Success)
        {
            TenantId = tenant, ActorUserId = placedBy, TargetType = "tenant", TargetId = tenant, Severity = AuditSeverity.Warning,
            Data = new Dictionary<string, string?>(StringComparer.Ordinal) { ["reason"] = hold.Reason },
        }, cancellationToken).ConfigureAwait(false);
        return new AuditLegalHold(tenant, hold.Reason, hold.PlacedBy, hold.PlacedAt);
    }

    /// <summary>Releases <paramref name="tenantId"/>'s legal hold; <see langword="false"/> when there was none. Audited.</summary>
    public async Task<bool> ReleaseLegalHoldAsync(string? tenantId, string? releasedBy, CancellationToken cancellationToken = default)
    {
        var tenant = tenantId ?? "";
        var removed = await _db.LegalHolds.Where(h => h.TenantId == tenant).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false) > 0;
        if (removed)
        {
            await _audit.WriteAsync(new AuditEvent("audit.legal_hold.released", AuditOutcome.Success)
            {
                TenantId = tenant, ActorUserId = releasedBy, TargetType = "tenant", TargetId = tenant, Severity = AuditSeverity.Warning,
            }, cancellationToken).ConfigureAwait(false);
        }

        return removed;
    }
}
