using System.Globalization;
using System.Text.Json;
using Foundation.Audit.Chain;
using Foundation.Audit.Internal;
using Foundation.Audit.PersonalData;
using Foundation.Internal;
using Foundation.Audit.Storage;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Audit.Query;

/// <summary>
/// Reads a tenant's audit events: filtered pages, newest first, with keyset pagination (the position is the chain's sequence number, so a
/// page never skips or repeats an event however many are appended meanwhile), and exports as JSON Lines or CSV.
/// </summary>
public sealed class AuditQueryService
{
    private static readonly JsonSerializerOptions JsonLines = new(JsonSerializerDefaults.Web);
    private const int CsvChunk = 1000;
    private static readonly string[] Outcomes = ["success", "failure", "denied"];
    private readonly AuditDbContext _db;
    private readonly AuditSigningKeyRing _keys;
    private readonly AuditSubjectKeys _subjectKeys;

    /// <summary>Creates the service.</summary>
    internal AuditQueryService(AuditDbContext db, AuditSigningKeyRing keys, AuditSubjectKeys subjectKeys)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(keys);
        _db = db;
        _keys = keys;
        _subjectKeys = subjectKeys;
    }

    /// <summary>One page of <paramref name="tenantId"/>'s events matching <paramref name="query"/>, newest first.</summary>
    /// <exception cref="AuditValidationException">A filter is invalid (naming it): a backwards range, an unknown outcome, a limit out of range, a forged page token.</exception>
    public async Task<AuditPage> QueryAsync(string? tenantId, AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var tenant = tenantId ?? "";
        Validate(query);
        var limit = query.Limit ?? AuditQuery.DefaultLimit;
        if (limit is < 1 or > AuditQuery.MaxLimit)
        {
            throw new AuditValidationException("limit", string.Create(CultureInfo.InvariantCulture, $"limit is {limit}; use 1 to {AuditQuery.MaxLimit}."));
        }

        var events = await FilterAsync(tenant, query, cancellationToken).ConfigureAwait(false);
        if (query.PageToken is { Length: > 0 } token)
        {
            var after = await AuditPageTokens.ReadAsync(_keys, _db, tenant, query, token, cancellationToken).ConfigureAwait(false);
            events = events.Where(e => e.Seq < after);
        }

        var rows = await events.OrderByDescending(e => e.Seq).Take(limit + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        string? next = null;
        if (rows.Count > limit)
        {
            rows.RemoveAt(limit);
            next = await AuditPageTokens.CreateAsync(_keys, _db, tenant, query, rows[^1].Seq, cancellationToken).ConfigureAwait(false);
        }

        // Personal fields are shown in clear where their person's key still exists; an erased person's fields are null.
        using var decryptor = new AuditFieldDecryptor(_subjectKeys, _db);
        await decryptor.PreloadAsync(rows, cancellationToken).ConfigureAwait(false);
        var records = new List<AuditRecord>(rows.Count);
        foreach (var row in rows)
        {
            var erased = await decryptor.DecryptAsync(row, cancellationToken).ConfigureAwait(false);
            records.Add(ToRecord(row) with { PersonalDataErased = erased });
        }

        return new AuditPage(records, next);
    }

    /// <summary>Checks <paramref name="query"/>'s filters without running it (so an HTTP export can answer 400 before its first byte).</summary>
    /// <exception cref="AuditValidationException">A filter is invalid.</exception>
    public static void Validate(AuditQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.From is { } from && query.To is { } to && from > to)
        {
            throw new AuditValidationException("from", "from is after to; the range must run forwards.");
        }

        if (query.Outcome is { } outcome && !Outcomes.Contains(outcome, StringComparer.Ordinal))
        {
            throw new AuditValidationException("outcome", $"outcome is '{outcome}'; use success, failure or denied.");
        }

        Length("actor", query.Actor, AuditColumnLengths.ActorId);
        Length("action", query.ActionPrefix, AuditColumnLengths.Action);
        Length("targetType", query.TargetType, AuditColumnLengths.TargetType);
        Length("targetId", query.TargetId, AuditColumnLengths.TargetId);
    }

    /// <summary>Writes every event of <paramref name="tenantId"/> matching <paramref name="query"/>, oldest first, one JSON object per line; returns the count.</summary>
    public async Task<long> ExportJsonLinesAsync(string? tenantId, AuditQuery query, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(writer);
        Validate(query);
        var count = 0L;
        var events = await FilterAsync(tenantId ?? "", query, cancellationToken).ConfigureAwait(false);
        await foreach (var e in events.OrderBy(e => e.Seq).AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            await writer.WriteAsync(JsonSerializer.Serialize(ToRecord(e), JsonLines)).ConfigureAwait(false);
            await writer.WriteAsync('\n').ConfigureAwait(false);
            count++;
        }

        return count;
    }

    /// <summary>
    /// Writes every event of <paramref name="tenantId"/> matching <paramref name="query"/>, oldest first, as CSV (RFC 4180; text a spreadsheet
    /// would run as a formula is prefixed with an apostrophe); returns the count.
    /// </summary>
    public async Task<long> ExportCsvAsync(string? tenantId, AuditQuery query, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(writer);
        Validate(query);
        await CsvText.WriteRowAsync(writer, AuditCsv.Header).ConfigureAwait(false);
        var count = 0L;
        var events = await FilterAsync(tenantId ?? "", query, cancellationToken).ConfigureAwait(false);
        using var decryptor = new AuditFieldDecryptor(_subjectKeys, _db);

        // Read in chunks (not one open reader): decrypting loads data keys, and a connection runs one command at a time.
        var after = long.MinValue;
        while (true)
        {
            var position = after;
            var chunk = await events.Where(e => e.Seq > position).OrderBy(e => e.Seq).Take(CsvChunk).ToListAsync(cancellationToken).ConfigureAwait(false);
            await decryptor.PreloadAsync(chunk, cancellationToken).ConfigureAwait(false);
            foreach (var e in chunk)
            {
                await decryptor.DecryptAsync(e, cancellationToken).ConfigureAwait(false);
                await CsvText.WriteRowAsync(writer, AuditCsv.Fields(e)).ConfigureAwait(false);
                count++;
            }

            if (chunk.Count < CsvChunk)
            {
                break;
            }

            after = chunk[^1].Seq;
        }

        return count;
    }

    internal static AuditRecord ToRecord(AuditEventEntity e) => new(e.Id, e.TenantId, e.Seq, e.OccurredAt, e.ActorType, e.ActorUserId, e.ActorApiKeyId, e.Action,
        e.TargetType, e.TargetId, e.Outcome, e.Severity, e.ClientIp, e.UserAgent, e.RequestId, e.Details, e.PrevHash, e.Hash);

    private async Task<IQueryable<AuditEventEntity>> FilterAsync(string tenant, AuditQuery q, CancellationToken cancellationToken)
    {
        var events = _db.Events.AsNoTracking().Where(e => e.TenantId == tenant);
        if (q.Actor is { Length: > 0 } actor)
        {
            // An acting user's id is stored encrypted under their key (enc1:<key id>:..., or the enc2:<key id>: marker): match the key's prefix too.
            var keyId = await AuditSubjectKeys.FindIdAsync(_db, tenant, actor, cancellationToken).ConfigureAwait(false);
            if (keyId is { } id)
            {
                var keyPrefix = AuditFieldCipher.KeyPrefix(id);
                var keyPrefix2 = AuditFieldCipher.KeyPrefix2(id);
                events = events.Where(e => e.ActorUserId == actor || e.ActorApiKeyId == actor || e.ActorUserId!.StartsWith(keyPrefix)
                    || e.ActorUserId!.StartsWith(keyPrefix2));
            }
            else
            {
                events = events.Where(e => e.ActorUserId == actor || e.ActorApiKeyId == actor);
            }
        }

        if (q.ActionPrefix is { Length: > 0 } prefix)
        {
            events = events.Where(e => e.Action.StartsWith(prefix));
        }

        if (q.TargetType is { Length: > 0 } targetType)
        {
            events = events.Where(e => e.TargetType == targetType);
        }

        if (q.TargetId is { Length: > 0 } targetId)
        {
            events = events.Where(e => e.TargetId == targetId);
        }

        if (q.Outcome is { Length: > 0 } outcome)
        {
            events = events.Where(e => e.Outcome == outcome);
        }

        if (q.From is { } from)
        {
            events = events.Where(e => e.OccurredAt >= from);
        }

        if (q.To is { } to)
        {
            events = events.Where(e => e.OccurredAt < to);
        }

        return events;
    }

    private static void Length(string field, string? value, int max)
    {
        if (value is not null && value.Length > max)
        {
            throw new AuditValidationException(field, string.Create(CultureInfo.InvariantCulture, $"{field} is longer than {max} characters."));
        }
    }
}
