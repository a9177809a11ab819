using System.Security.Cryptography;
using Foundation.Audit.Storage;

namespace Foundation.Audit.PersonalData;

/// <summary>
/// Turns the encrypted personal fields of rows read for a person (a page, a CSV export, a GDPR export) back into text, loading each data
/// key once. A field whose key was destroyed (the person was erased) or that does not decrypt becomes <see langword="null"/> and the row is
/// reported as erased. Works on rows read without tracking; never writes.
/// </summary>
internal sealed class AuditFieldDecryptor : IDisposable
{
    private readonly AuditSubjectKeys _keys;
    private readonly AuditDbContext _db;
    private readonly Dictionary<Guid, AesGcm?> _ciphers = [];

    public AuditFieldDecryptor(AuditSubjectKeys keys, AuditDbContext db)
    {
        _keys = keys;
        _db = db;
    }

    /// <summary>Loads, in one query, the keys <paramref name="rows"/> need.</summary>
    public async Task PreloadAsync(IEnumerable<AuditEventEntity> rows, CancellationToken cancellationToken)
    {
        var wanted = new HashSet<Guid>();
        foreach (var e in rows)
        {
            Want(e.ActorUserId, wanted);
            Want(e.ClientIp, wanted);
            Want(e.UserAgent, wanted);
            Want(e.Details, wanted);
        }

        await LoadAsync(wanted, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Decrypts <paramref name="e"/>'s personal fields in place; returns whether any was unreadable (erased).</summary>
    public async Task<bool> DecryptAsync(AuditEventEntity e, CancellationToken cancellationToken)
    {
        var erased = false;
        if (AuditFieldCipher.IsEnc2(e.Details) && AuditFieldCipher.TryGetKeyId(e.Details, out var sealedKeyId))
        {
            // enc2: the four fields sealed as one value in details; the other columns hold markers only.
            if (!_ciphers.ContainsKey(sealedKeyId))
            {
                await LoadAsync([sealedKeyId], cancellationToken).ConfigureAwait(false);
            }

            if (_ciphers[sealedKeyId] is { } sealedAes
                && AuditFieldCipher.TryDecryptFields(sealedAes, e.Id, e.Details, out var actorUserId, out var clientIp, out var userAgent, out var details))
            {
                (e.ActorUserId, e.ClientIp, e.UserAgent, e.Details) = (actorUserId, clientIp, userAgent, details);
                return false;
            }

            e.ActorUserId = AuditFieldCipher.IsEnc2(e.ActorUserId) ? null : e.ActorUserId;
            e.ClientIp = AuditFieldCipher.IsEnc2(e.ClientIp) ? null : e.ClientIp;
            e.UserAgent = AuditFieldCipher.IsEnc2(e.UserAgent) ? null : e.UserAgent;
            e.Details = null;
            return true;
        }

        e.ActorUserId = await OpenAsync(e, "actor_user_id", e.ActorUserId, cancellationToken).ConfigureAwait(false);
        e.ClientIp = await OpenAsync(e, "client_ip", e.ClientIp, cancellationToken).ConfigureAwait(false);
        e.UserAgent = await OpenAsync(e, "user_agent", e.UserAgent, cancellationToken).ConfigureAwait(false);
        e.Details = await OpenAsync(e, "details", e.Details, cancellationToken).ConfigureAwait(false);
        return erased;

        async Task<string?> OpenAsync(AuditEventEntity row, string column, string? value, CancellationToken ct)
        {
            if (!AuditFieldCipher.TryGetKeyId(value, out var keyId))
            {
                return value;
            }

            if (!_ciphers.ContainsKey(keyId))
            {
                await LoadAsync([keyId], ct).ConfigureAwait(false);
            }

            var clear = _ciphers[keyId] is { } aes ? AuditFieldCipher.Decrypt(aes, row.Id, column, value) : null;
            erased |= clear is null;
            return clear;
        }
    }

    public void Dispose()
    {
        foreach (var aes in _ciphers.Values)
        {
            aes?.Dispose();
        }

        _ciphers.Clear();
    }

    private void Want(string? value, HashSet<Guid> wanted)
    {
        if (AuditFieldCipher.TryGetKeyId(value, out var keyId) && !_ciphers.ContainsKey(keyId))
        {
            wanted.Add(keyId);
        }
    }

    private async Task LoadAsync(HashSet<Guid> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return;
        }

        var found = await _keys.FindAsync(_db, ids, cancellationToken).ConfigureAwait(false);
        foreach (var id in ids)
        {
            _ciphers[id] = found.TryGetValue(id, out var key) ? new AesGcm(key, 16) : null;
        }
    }
}
