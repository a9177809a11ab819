using System.Globalization;
using System.Text.Json;
using Foundation.Audit.Storage;
using Foundation.Audit.Writing;
using Foundation.PersonalData;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Audit.PersonalData;

/// <summary>
/// Foundation.Audit's personal data (section <c>audit</c>): the person's audit events (those whose personal fields are encrypted under their
/// key, and events written in clear before encryption with them as actor) and their consent records. Erasing destroys their data key (their
/// events' personal fields become unreadable ciphertext; the chain still verifies) and deletes their consent records.
/// </summary>
internal sealed class AuditPersonalDataProvider : IPersonalDataProvider
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly AuditDbContext _db;
    private readonly AuditSubjectKeys _keys;
    private readonly DurableAuditEventWriter? _writer;

    public AuditPersonalDataProvider(AuditDbContext db, AuditSubjectKeys keys, DurableAuditEventWriter? writer = null)
    {
        _db = db;
        _keys = keys;
        _writer = writer;
    }

    public string Name => "audit";

    public async Task<JsonElement?> ExportAsync(PersonalDataSubject subject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var rows = await EventsAsync(subject, cancellationToken).ConfigureAwait(false);
        var consents = await _db.Consents.AsNoTracking().Where(c => c.TenantId == subject.TenantId && c.UserId == subject.UserId)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0 && consents.Count == 0)
        {
            return null;
        }

        using var decryptor = new AuditFieldDecryptor(_keys, _db);
        await decryptor.PreloadAsync(rows, cancellationToken).ConfigureAwait(false);
        var events = new List<object>(rows.Count);
        foreach (var e in rows)
        {
            await decryptor.DecryptAsync(e, cancellationToken).ConfigureAwait(false);
            events.Add(new
            {
                e.Id, e.Seq, e.OccurredAt, e.Action, e.Outcome, e.ActorType, e.ActorUserId, e.TargetType, e.TargetId, e.ClientIp, e.UserAgent, e.RequestId,
                Details = e.Details is { } d ? JsonDocument.Parse(d).RootElement.Clone() : (JsonElement?)null,
            });
        }

        return JsonSerializer.SerializeToElement(new
        {
            Events = events,
            Consents = consents.OrderBy(c => c.RecordedAt).Select(c => new { c.Purpose, c.Version, c.Granted, c.RecordedAt }),
        }, Json);
    }

    public async Task<PersonalDataErasure> EraseAsync(PersonalDataSubject subject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);

        // Events already accepted for this person are appended first, so they are encrypted under the key about to be destroyed.
        if (_writer is not null)
        {
            await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        var strategy = _db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            var tx = await _db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                var keyId = await AuditSubjectKeys.FindIdAsync(_db, subject.TenantId, subject.UserId, ct).ConfigureAwait(false);
                var shredded = keyId is { } id ? await EncryptedUnder(subject.TenantId, id).CountAsync(ct).ConfigureAwait(false) : 0;
                var destroyed = await _keys.DestroyAsync(_db, subject.TenantId, subject.UserId, ct).ConfigureAwait(false);
                var consents = await _db.Consents.Where(c => c.TenantId == subject.TenantId && c.UserId == subject.UserId).ExecuteDeleteAsync(ct)
                    .ConfigureAwait(false);
                var inClear = await _db.Events.AsNoTracking().CountAsync(e => e.TenantId == subject.TenantId && e.ActorUserId == subject.UserId, ct)
                    .ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);

                var notes = new List<string>();
                if (destroyed)
                {
                    notes.Add(string.Create(CultureInfo.InvariantCulture,
                        $"the data key of {shredded} audit event(s) was destroyed: their personal fields are unreadable ciphertext and the chain still verifies"));
                }

                if (inClear > 0)
                {
                    notes.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{inClear} audit event(s) written before personal fields were encrypted keep them in clear: a hash chain cannot change them (purge them by retention)"));
                }

                return new PersonalDataErasure(consents + (destroyed ? 1 : 0), shredded, notes.Count == 0 ? null : string.Join("; ", notes));
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<AuditEventEntity>> EventsAsync(PersonalDataSubject subject, CancellationToken cancellationToken)
    {
        var keyId = await AuditSubjectKeys.FindIdAsync(_db, subject.TenantId, subject.UserId, cancellationToken).ConfigureAwait(false);
        var user = subject.UserId;
        var prefix = keyId is { } id ? AuditFieldCipher.KeyPrefix(id) : null;
        var prefix2 = keyId is { } id2 ? AuditFieldCipher.KeyPrefix2(id2) : null;
        var query = prefix is null
            ? _db.Events.AsNoTracking().Where(e => e.TenantId == subject.TenantId && e.ActorUserId == user)
            : _db.Events.AsNoTracking().Where(e => e.TenantId == subject.TenantId && (e.ActorUserId == user
                || e.ActorUserId!.StartsWith(prefix) || e.ClientIp!.StartsWith(prefix) || e.UserAgent!.StartsWith(prefix) || e.Details!.StartsWith(prefix)
                || e.Details!.StartsWith(prefix2!)));
        return await query.OrderBy(e => e.Seq).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    private IQueryable<AuditEventEntity> EncryptedUnder(string tenantId, Guid keyId)
    {
        var prefix = AuditFieldCipher.KeyPrefix(keyId);
        var prefix2 = AuditFieldCipher.KeyPrefix2(keyId); // an enc2 event always seals its fields in details
        return _db.Events.AsNoTracking().Where(e => e.TenantId == tenantId
            && (e.ActorUserId!.StartsWith(prefix) || e.ClientIp!.StartsWith(prefix) || e.UserAgent!.StartsWith(prefix) || e.Details!.StartsWith(prefix)
                || e.Details!.StartsWith(prefix2)));
    }
}
