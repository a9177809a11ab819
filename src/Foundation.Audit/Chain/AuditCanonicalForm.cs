using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Foundation.Audit.Storage;

namespace Foundation.Audit.Chain;

/// <summary>
/// The canonical serialisation an event's hash and a checkpoint's signature are computed over (documented in docs/audit.md, so anyone
/// can recompute them outside the application).
/// </summary>
/// <remarks>
/// A sequence of fields, each written as <c>&lt;n&gt;:&lt;value&gt;\n</c> where <c>n</c> is the decimal count of the value's UTF-8 bytes,
/// or <c>~\n</c> for an absent value. Length prefixes make the encoding unambiguous whatever the values contain. An event's fields, in
/// order: <c>foundation.audit.event.v1</c>, tenant_id, seq, id (lower-case, hyphenated), occurred_at (<c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c>),
/// actor_type, actor_user_id, actor_api_key_id, action, target_type, target_id, outcome, severity, client_ip, user_agent, request_id,
/// details, prev_hash. Its hash is the lower-case hex SHA-256 of those bytes. A checkpoint's fields: <c>foundation.audit.checkpoint.v1</c>,
/// tenant_id, seq, hash, created_at, kind, key_id; its signature is the lower-case hex HMAC-SHA256 of those bytes under the key.
/// </remarks>
public static class AuditCanonicalForm
{
    /// <summary>The first field of every event's canonical form.</summary>
    public const string EventVersion = "foundation.audit.event.v1";

    /// <summary>The first field of every checkpoint's canonical form.</summary>
    public const string CheckpointVersion = "foundation.audit.checkpoint.v1";

    /// <summary>The previous hash of a tenant's first event: 64 zeros.</summary>
    public static readonly string GenesisHash = new('0', 64);

    /// <summary>The timestamp format of the canonical form (microseconds, UTC), which both SQLite and PostgreSQL keep exactly.</summary>
    public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    /// <summary>The canonical bytes of <paramref name="e"/> (its <see cref="AuditEventEntity.Hash"/> is not part of them).</summary>
    public static byte[] Event(AuditEventEntity e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var sb = new StringBuilder(256);
        Field(sb, EventVersion);
        Field(sb, e.TenantId);
        Field(sb, e.Seq.ToString(CultureInfo.InvariantCulture));
        Field(sb, e.Id.ToString("D"));
        Field(sb, Timestamp(e.OccurredAt));
        Field(sb, e.ActorType);
        Field(sb, e.ActorUserId);
        Field(sb, e.ActorApiKeyId);
        Field(sb, e.Action);
        Field(sb, e.TargetType);
        Field(sb, e.TargetId);
        Field(sb, e.Outcome);
        Field(sb, e.Severity);
        Field(sb, e.ClientIp);
        Field(sb, e.UserAgent);
        Field(sb, e.RequestId);
        Field(sb, e.Details);
        Field(sb, e.PrevHash);
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>The hash of <paramref name="e"/>: lower-case hex SHA-256 of <see cref="Event"/>.</summary>
    public static string EventHash(AuditEventEntity e) => Convert.ToHexStringLower(SHA256.HashData(Event(e)));

    /// <summary>The canonical bytes of a checkpoint (its signature is not part of them).</summary>
    public static byte[] Checkpoint(AuditCheckpointEntity c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var sb = new StringBuilder(160);
        Field(sb, CheckpointVersion);
        Field(sb, c.TenantId);
        Field(sb, c.Seq.ToString(CultureInfo.InvariantCulture));
        Field(sb, c.Hash);
        Field(sb, Timestamp(c.CreatedAt));
        Field(sb, c.Kind);
        Field(sb, c.KeyId);
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>The canonical text of a timestamp.</summary>
    public static string Timestamp(DateTimeOffset value) => value.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    /// <summary><paramref name="value"/> cut to whole microseconds (what PostgreSQL's timestamptz keeps), in UTC.</summary>
    public static DateTimeOffset ToMicroseconds(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % 10), TimeSpan.Zero);
    }

    private static void Field(StringBuilder sb, string? value)
    {
        if (value is null)
        {
            sb.Append("~\n");
            return;
        }

        sb.Append(Encoding.UTF8.GetByteCount(value).ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append('\n');
    }
}
