using System.Buffers;
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
        var writer = new CanonicalWriter(512);
        try
        {
            WriteEvent(ref writer, e);
            return writer.Written.ToArray();
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>The hash of <paramref name="e"/>: lower-case hex SHA-256 of <see cref="Event"/>.</summary>
    public static string EventHash(AuditEventEntity e)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        EventHash(e, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Whether <paramref name="expectedHex"/> is the hash of <paramref name="e"/> (ordinal, without allocating the hex text).</summary>
    internal static bool EventHashEquals(AuditEventEntity e, string? expectedHex)
    {
        if (expectedHex is null || expectedHex.Length != SHA256.HashSizeInBytes * 2)
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        EventHash(e, hash);
        Span<char> hex = stackalloc char[SHA256.HashSizeInBytes * 2];
        return Convert.TryToHexStringLower(hash, hex, out _) && hex.SequenceEqual(expectedHex);
    }

    /// <summary>Writes the SHA-256 of the canonical form of <paramref name="e"/> into <paramref name="destination"/> (32 bytes), from a pooled buffer.</summary>
    private static void EventHash(AuditEventEntity e, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(e);
        var writer = new CanonicalWriter(512);
        try
        {
            WriteEvent(ref writer, e);
            SHA256.HashData(writer.Written, destination);
        }
        finally
        {
            writer.Dispose();
        }
    }

    private static void WriteEvent(ref CanonicalWriter w, AuditEventEntity e)
    {
        w.Field(EventVersion);
        w.Field(e.TenantId);
        w.Field(e.Seq);
        w.Field(e.Id);
        w.Field(e.OccurredAt);
        w.Field(e.ActorType);
        w.Field(e.ActorUserId);
        w.Field(e.ActorApiKeyId);
        w.Field(e.Action);
        w.Field(e.TargetType);
        w.Field(e.TargetId);
        w.Field(e.Outcome);
        w.Field(e.Severity);
        w.Field(e.ClientIp);
        w.Field(e.UserAgent);
        w.Field(e.RequestId);
        w.Field(e.Details);
        w.Field(e.PrevHash);
    }

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

    /// <summary>
    /// Writes the length-prefixed fields as UTF-8 into a buffer rented from <see cref="ArrayPool{T}.Shared"/> (the same bytes as
    /// the checkpoint form's <c>Field</c> would give, without the intermediate string).
    /// </summary>
    private ref struct CanonicalWriter
    {
        private byte[] _buffer;
        private int _length;

        public CanonicalWriter(int capacity)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(capacity);
            _length = 0;
        }

        public readonly ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

        public void Field(string? value)
        {
            if (value is null)
            {
                Ensure(2);
                _buffer[_length++] = (byte)'~';
                _buffer[_length++] = (byte)'\n';
                return;
            }

            var count = Encoding.UTF8.GetByteCount(value);
            Ensure(count + 12);
            Prefix(count);
            _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
            _buffer[_length++] = (byte)'\n';
        }

        public void Field(long value)
        {
            Span<byte> digits = stackalloc byte[20];
            value.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
            Ascii(digits[..written]);
        }

        public void Field(Guid value)
        {
            Span<byte> text = stackalloc byte[36];
            value.TryFormat(text, out var written, "D");
            Ascii(text[..written]);
        }

        public void Field(DateTimeOffset value)
        {
            Span<byte> text = stackalloc byte[32];
            value.UtcDateTime.TryFormat(text, out var written, TimestampFormat, CultureInfo.InvariantCulture);
            Ascii(text[..written]);
        }

        public void Dispose()
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }

        private void Ascii(scoped ReadOnlySpan<byte> text)
        {
            Ensure(text.Length + 12);
            Prefix(text.Length);
            text.CopyTo(_buffer.AsSpan(_length));
            _length += text.Length;
            _buffer[_length++] = (byte)'\n';
        }

        private void Prefix(int count)
        {
            count.TryFormat(_buffer.AsSpan(_length), out var written, default, CultureInfo.InvariantCulture);
            _length += written;
            _buffer[_length++] = (byte)':';
        }

        private void Ensure(int extra)
        {
            if (_length + extra <= _buffer.Length)
            {
                return;
            }

            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + extra));
            _buffer.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
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
