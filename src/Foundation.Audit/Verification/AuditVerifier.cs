using System.Globalization;
using Foundation.Audit.Chain;
using Foundation.Audit.Diagnostics;
using Foundation.Audit.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Audit.Verification;

/// <summary>
/// Checks a tenant's chain: every event's hash against its canonical form, every link against the previous hash, the sequence without
/// gaps, every checkpoint's signature and that the chain still reaches each checkpoint. Names the first break and how it broke
/// (see docs/audit.md for the rules that tell a modification from a deletion, an insertion, a reordering and a truncation).
/// </summary>
/// <remarks>
/// Resolved from the container, it checks the chain in parallel ranges: each signed checkpoint is a trusted start (its hash and sequence
/// number), so the chain is cut at checkpoints into one range per core and each range is read on its own context. When every range holds,
/// the chain holds. When one does not, the walk is redone sequentially from the start of the first range that failed (every range before
/// it verified), which names the first break exactly as a walk from the beginning would.
/// </remarks>
public sealed class AuditVerifier
{
    private readonly AuditDbContext _db;
    private readonly AuditSigningKeyRing _keys;
    private readonly IServiceScopeFactory? _scopes;

    /// <summary>Creates the verifier over <paramref name="db"/> (one sequential walk).</summary>
    public AuditVerifier(AuditDbContext db, AuditSigningKeyRing keys)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(keys);
        _db = db;
        _keys = keys;
    }

    /// <summary>Creates the verifier that reads ranges between checkpoints in parallel, each on a context of its own scope.</summary>
    internal AuditVerifier(AuditDbContext db, AuditSigningKeyRing keys, IServiceScopeFactory scopes)
        : this(db, keys)
    {
        _scopes = scopes;
    }

    /// <summary>Verifies the chain of <paramref name="tenantId"/> (<see langword="null"/> or "" for events outside any tenant).</summary>
    public async Task<AuditVerificationResult> VerifyAsync(string? tenantId, CancellationToken cancellationToken = default)
    {
        var tenant = tenantId ?? "";
        using var activity = AuditTelemetry.ActivitySource.StartActivity("audit.verify");
        activity?.SetTag("foundation.tenant_id", tenant);

        // 1. Checkpoints: signatures first, so that a forged checkpoint is never trusted as a start point or a witness.
        var checkpoints = await _db.Checkpoints.AsNoTracking().Where(c => c.TenantId == tenant).OrderBy(c => c.Seq).ThenBy(c => c.CreatedAt)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var c in checkpoints)
        {
            var key = await _keys.FindAsync(_db, c.KeyId, cancellationToken).ConfigureAwait(false);
            if (key is null || !AuditAppender.SignatureMatches(key, c))
            {
                var why = key is null ? $"its key '{c.KeyId}' is unknown" : "its signature does not match its content";
                return Fail(tenant, 0, 0, 1, AuditCanonicalForm.GenesisHash, 0, checkpoints,
                    new AuditChainBreak(AuditBreakKind.CheckpointInvalid, c.Seq, null, Invariant($"The checkpoint at #{c.Seq} does not verify: {why}.")));
            }
        }

        // 2. The start: the genesis, or the newest retention seal (events before it were purged on purpose).
        var seal = checkpoints.LastOrDefault(c => string.Equals(c.Kind, "seal", StringComparison.Ordinal));
        var startSeq = seal?.Seq ?? 0;
        var expectedPrev = seal?.Hash ?? AuditCanonicalForm.GenesisHash;
        var expectedSeq = startSeq + 1;
        var witnesses = checkpoints.Where(c => c.Seq > startSeq).GroupBy(c => c.Seq).ToDictionary(g => g.Key, g => g.First());
        var verified = 0L;
        var witnessed = seal is null ? 0 : 1;
        AuditEventEntity? previous = null;
        (AuditEventEntity Row, bool SelfOk, bool LinkOk)? firstBad = null;
        var walkFrom = startSeq;

        // 3a. Ranges between signed checkpoints, in parallel. All hold: the walk below has nothing left to read. One fails: the walk starts
        // at that range's checkpoint (everything before it verified) and names the break.
        if (_scopes is not null && Ranges(witnesses.Keys, startSeq, expectedPrev, witnesses) is { Count: > 1 } ranges)
        {
            var results = new RangeResult[ranges.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, ranges.Count), new ParallelOptions { MaxDegreeOfParallelism = ranges.Count, CancellationToken = cancellationToken },
                async (k, ct) => results[k] = await CheckRangeAsync(tenant, ranges[k], witnesses, ct).ConfigureAwait(false)).ConfigureAwait(false);
            var i = 0;
            for (; i < ranges.Count && results[i].Ok; i++)
            {
                verified += results[i].Verified;
                witnessed += results[i].Witnessed;
                previous = results[i].Last ?? previous;
            }

            if (i == ranges.Count)
            {
                expectedPrev = previous?.Hash ?? expectedPrev;
                expectedSeq = (previous?.Seq ?? startSeq) + 1;
                walkFrom = long.MaxValue; // nothing left to walk
            }
            else
            {
                walkFrom = ranges[i].FromSeq;
                expectedPrev = ranges[i].FromHash;
                expectedSeq = walkFrom + 1;
                if (walkFrom > startSeq)
                {
                    previous = await _db.Events.AsNoTracking().FirstOrDefaultAsync(e => e.TenantId == tenant && e.Seq == walkFrom, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        // 3. The walk, in sequence order, streaming.
        var rows = _db.Events.AsNoTracking().Where(e => e.TenantId == tenant && e.Seq > walkFrom).OrderBy(e => e.Seq).AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var selfOk = AuditCanonicalForm.EventHashEquals(row, row.Hash);
            var linkOk = string.Equals(row.PrevHash, expectedPrev, StringComparison.Ordinal);
            var seqOk = row.Seq == expectedSeq;
            if (!(selfOk && linkOk && seqOk))
            {
                // Classified after the loop: the reader must be closed first (PostgreSQL runs one command per connection at a time).
                firstBad = (row, selfOk, linkOk);
                break;
            }

            if (witnesses.TryGetValue(row.Seq, out var witness))
            {
                if (!string.Equals(witness.Hash, row.Hash, StringComparison.Ordinal))
                {
                    return Fail(tenant, verified, startSeq + 1, expectedSeq - 1, expectedPrev, witnessed, checkpoints, new AuditChainBreak(AuditBreakKind.Modified, row.Seq, row.Id,
                        Invariant($"Event #{row.Seq} ({row.Id}) is consistent with its neighbours but not with the checkpoint signed at #{witness.Seq}: the chain up to it was rewritten.")));
                }

                witnessed++;
            }

            verified++;
            expectedPrev = row.Hash;
            expectedSeq++;
            previous = row;
        }

        if (firstBad is { } bad)
        {
            var broken = await ClassifyAsync(tenant, bad.Row, previous, expectedSeq, bad.SelfOk, bad.LinkOk, cancellationToken).ConfigureAwait(false);
            return Fail(tenant, verified, startSeq + 1, expectedSeq - 1, expectedPrev, witnessed, checkpoints, broken);
        }

        var lastSeq = expectedSeq - 1;

        // 4. The tail: a checkpoint (signed) or the head (unsigned, a second opinion) beyond the last event means the tail was cut.
        var beyond = checkpoints.Where(c => c.Seq > lastSeq).OrderByDescending(c => c.Seq).FirstOrDefault();
        if (beyond is not null)
        {
            return Fail(tenant, verified, startSeq + 1, lastSeq, expectedPrev, witnessed, checkpoints, new AuditChainBreak(AuditBreakKind.Truncated, lastSeq + 1, null,
                Invariant($"The chain ends at #{lastSeq} but a checkpoint signed at {AuditCanonicalForm.Timestamp(beyond.CreatedAt)} covers #{beyond.Seq}: events #{lastSeq + 1} to #{beyond.Seq} (at least) were removed.")));
        }

        var head = await _db.Heads.AsNoTracking().FirstOrDefaultAsync(h => h.TenantId == tenant, cancellationToken).ConfigureAwait(false);
        if (head is not null && head.LastSeq > lastSeq)
        {
            return Fail(tenant, verified, startSeq + 1, lastSeq, expectedPrev, witnessed, checkpoints, new AuditChainBreak(AuditBreakKind.Truncated, lastSeq + 1, null,
                Invariant($"The chain ends at #{lastSeq} but its head records #{head.LastSeq}: events #{lastSeq + 1} to #{head.LastSeq} were removed after the last checkpoint.")));
        }

        if (head is not null && head.LastSeq < lastSeq && previous is not null)
        {
            var first = await _db.Events.AsNoTracking().FirstAsync(e => e.TenantId == tenant && e.Seq == head.LastSeq + 1, cancellationToken).ConfigureAwait(false);
            return Fail(tenant, verified, startSeq + 1, head.LastSeq, expectedPrev, witnessed, checkpoints, new AuditChainBreak(AuditBreakKind.Inserted, first.Seq, first.Id,
                Invariant($"Event #{first.Seq} ({first.Id}) lies beyond the chain's head (#{head.LastSeq}): it was not appended by the writer.")));
        }

        return new AuditVerificationResult(tenant, true, verified, startSeq + 1, lastSeq, expectedPrev, witnessed, Latest(checkpoints), null);
    }

    /// <summary>A stretch of the chain: after <see cref="FromSeq"/> (whose hash is <see cref="FromHash"/>) up to <see cref="ToSeq"/> (open when null).</summary>
    private sealed record ChainRange(long FromSeq, string FromHash, long? ToSeq);

    private readonly record struct RangeResult(bool Ok, long Verified, int Witnessed, AuditEventEntity? Last);

    /// <summary>Cuts the chain after <paramref name="startSeq"/> at checkpoints into about one range per core (the last one open).</summary>
    private static List<ChainRange> Ranges(IEnumerable<long> checkpointSeqs, long startSeq, string startHash, Dictionary<long, AuditCheckpointEntity> witnesses)
    {
        var seqs = checkpointSeqs.Order().ToList();
        var parts = Math.Min(Math.Max(2, Environment.ProcessorCount), seqs.Count + 1);
        var ranges = new List<ChainRange>(parts);
        var from = startSeq;
        var fromHash = startHash;
        for (var j = 1; j < parts; j++)
        {
            var to = seqs[Math.Max(0, (j * seqs.Count / parts) - 1)];
            if (to <= from)
            {
                continue;
            }

            ranges.Add(new ChainRange(from, fromHash, to));
            from = to;
            fromHash = witnesses[to].Hash;
        }

        ranges.Add(new ChainRange(from, fromHash, null));
        return ranges;
    }

    /// <summary>Whether <paramref name="range"/> holds on its own (the same checks as the walk, on a context of its own).</summary>
    private async Task<RangeResult> CheckRangeAsync(string tenant, ChainRange range, Dictionary<long, AuditCheckpointEntity> witnesses, CancellationToken ct)
    {
        var scope = _scopes!.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = scope.ServiceProvider.GetRequiredService<AuditDbContext>();
            var query = db.Events.AsNoTracking().Where(e => e.TenantId == tenant && e.Seq > range.FromSeq);
            if (range.ToSeq is { } to)
            {
                query = query.Where(e => e.Seq <= to);
            }

            var expectedPrev = range.FromHash;
            var expectedSeq = range.FromSeq + 1;
            var witnessed = 0;
            AuditEventEntity? last = null;
            await foreach (var row in query.OrderBy(e => e.Seq).AsAsyncEnumerable().WithCancellation(ct).ConfigureAwait(false))
            {
                if (row.Seq != expectedSeq || !string.Equals(row.PrevHash, expectedPrev, StringComparison.Ordinal) || !AuditCanonicalForm.EventHashEquals(row, row.Hash))
                {
                    return new RangeResult(false, 0, 0, null);
                }

                if (witnesses.TryGetValue(row.Seq, out var witness))
                {
                    if (!string.Equals(witness.Hash, row.Hash, StringComparison.Ordinal))
                    {
                        return new RangeResult(false, 0, 0, null);
                    }

                    witnessed++;
                }

                expectedPrev = row.Hash;
                expectedSeq++;
                last = row;
            }

            var complete = range.ToSeq is not { } end || expectedSeq - 1 == end;
            return new RangeResult(complete, expectedSeq - 1 - range.FromSeq, witnessed, last);
        }
    }

    private async Task<AuditChainBreak> ClassifyAsync(string tenant, AuditEventEntity row, AuditEventEntity? previous, long expectedSeq, bool selfOk, bool linkOk,
        CancellationToken cancellationToken)
    {
        if (linkOk && !selfOk)
        {
            return new AuditChainBreak(AuditBreakKind.Modified, row.Seq, row.Id,
                Invariant($"Event #{row.Seq} ({row.Id}) was modified: its content no longer matches its hash."));
        }

        if (linkOk)
        {
            // Self-consistent and linked, only the number is off: the chain was renumbered around a gap or an extra event.
            return row.Seq > expectedSeq
                ? new AuditChainBreak(AuditBreakKind.Deleted, expectedSeq, row.Id, Invariant($"Events #{expectedSeq} to #{row.Seq - 1} are missing before event {row.Id}."))
                : new AuditChainBreak(AuditBreakKind.Inserted, row.Seq, row.Id, Invariant($"Event #{row.Seq} ({row.Id}) repeats a sequence number: it was inserted."));
        }

        // The link is broken: find the event this one was really appended after.
        var predecessor = await _db.Events.AsNoTracking().Where(e => e.TenantId == tenant && e.Hash == row.PrevHash).OrderBy(e => e.Seq)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (predecessor is null)
        {
            if (row.Seq > expectedSeq)
            {
                return new AuditChainBreak(AuditBreakKind.Deleted, expectedSeq, row.Id,
                    Invariant($"Event{(row.Seq - expectedSeq > 1 ? "s" : "")} #{expectedSeq}{(row.Seq - expectedSeq > 1 ? $" to #{row.Seq - 1}" : "")} {(row.Seq - expectedSeq > 1 ? "were" : "was")} deleted: event #{row.Seq} ({row.Id}) links to an event that no longer exists."));
            }

            return previous is null
                ? new AuditChainBreak(AuditBreakKind.Modified, row.Seq, row.Id, Invariant($"Event #{row.Seq} ({row.Id}) was modified: its link to the previous event was changed."))
                : new AuditChainBreak(AuditBreakKind.Modified, previous.Seq, previous.Id,
                    Invariant($"Event #{previous.Seq} ({previous.Id}) was modified and its hash recomputed: event #{row.Seq} still links to its original hash."));
        }

        if (predecessor.Seq >= row.Seq)
        {
            return new AuditChainBreak(AuditBreakKind.Reordered, row.Seq, row.Id,
                Invariant($"Event {row.Id} was moved: it sits at #{row.Seq} but was appended after the event now at #{predecessor.Seq} ({predecessor.Id})."));
        }

        // The real predecessor is further back: whatever sits between it and this event was put there afterwards.
        var inserted = await _db.Events.AsNoTracking().Where(e => e.TenantId == tenant && e.Seq > predecessor.Seq).OrderBy(e => e.Seq)
            .FirstAsync(cancellationToken).ConfigureAwait(false);
        return new AuditChainBreak(AuditBreakKind.Inserted, inserted.Seq, inserted.Id,
            Invariant($"Event #{inserted.Seq} ({inserted.Id}) was inserted: event {row.Id} was appended right after #{predecessor.Seq} ({predecessor.Id})."));
    }

    private static AuditVerificationResult Fail(string tenant, long verified, long firstSeq, long lastSeq, string lastHash, int witnessed,
        List<AuditCheckpointEntity> checkpoints, AuditChainBreak broken) =>
        new(tenant, false, verified, firstSeq, lastSeq, lastHash, witnessed, Latest(checkpoints), broken);

    private static AuditCheckpointInfo? Latest(List<AuditCheckpointEntity> checkpoints) =>
        checkpoints.Count == 0 ? null : checkpoints.OrderBy(c => c.Seq).ThenBy(c => c.CreatedAt).Select(c => new AuditCheckpointInfo(c.Seq, c.Hash, c.CreatedAt, c.Kind, c.KeyId, c.Signature)).Last();

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
