using System.Text;
using System.Text.Json;
using Foundation.Audit.Chain;
using Foundation.Audit.Storage;
using Foundation.Auditing;
using L = Foundation.Audit.Storage.AuditColumnLengths;

namespace Foundation.Audit.Writing;

/// <summary>Turns an <see cref="AuditEvent"/> into the row that will be hashed: values cut to their columns, details as capped JSON.</summary>
internal static class AuditEventMapper
{
    public const string TruncatedMarker = "_truncated";

    public static AuditEventEntity ToEntity(AuditEvent e, DateTimeOffset now, int maxDetailsBytes)
    {
        var occurred = AuditCanonicalForm.ToMicroseconds(e.OccurredAt ?? now);
        var actorType = e.ActorType ?? (e.ActorApiKeyId is not null ? AuditActorType.ApiKey : e.ActorUserId is not null ? AuditActorType.User : AuditActorType.System);
        var severity = e.Severity ?? (e.Outcome == AuditOutcome.Success ? AuditSeverity.Information : AuditSeverity.Warning);
        var entity = new AuditEventEntity
        {
            Id = Guid.CreateVersion7(occurred),
            TenantId = Cut(e.TenantId, L.TenantId) ?? "",
            OccurredAt = occurred,
            ActorType = ActorTypeName(actorType),
            ActorUserId = Cut(e.ActorUserId, L.ActorId),
            ActorApiKeyId = Cut(e.ActorApiKeyId, L.ActorId),
            Action = Cut(e.Action, L.Action)!,
            TargetType = Cut(e.TargetType, L.TargetType),
            TargetId = Cut(e.TargetId, L.TargetId),
            Outcome = OutcomeName(e.Outcome),
            Severity = SeverityName(severity),
            ClientIp = Cut(e.IpAddress, L.ClientIp),
            UserAgent = Cut(e.UserAgent, L.UserAgent),
            RequestId = Cut(e.RequestId, L.RequestId),
            Details = Details(e.Data, maxDetailsBytes),
        };

        // Whose personal data this is: the acting user, else the user acted on (a failed login names only its target).
        var subject = entity.ActorUserId ?? (string.Equals(entity.TargetType, "user", StringComparison.Ordinal) ? entity.TargetId : null);
        if (!string.IsNullOrEmpty(subject) && (entity.ActorUserId ?? entity.ClientIp ?? entity.UserAgent ?? entity.Details) is not null)
        {
            entity.Personal = new AuditPersonalFields(subject, entity.ActorUserId, entity.ClientIp, entity.UserAgent, entity.Details);
        }

        return entity;
    }

    public static string ActorTypeName(AuditActorType type) => type switch
    {
        AuditActorType.User => "user",
        AuditActorType.ApiKey => "api_key",
        _ => "system",
    };

    public static string OutcomeName(AuditOutcome outcome) => outcome switch
    {
        AuditOutcome.Failure => "failure",
        AuditOutcome.Denied => "denied",
        _ => "success",
    };

    public static string SeverityName(AuditSeverity severity) => severity switch
    {
        AuditSeverity.Warning => "warning",
        AuditSeverity.Critical => "critical",
        _ => "information",
    };

    /// <summary>
    /// The details as a JSON object of strings, keys in ordinal order, at most <paramref name="maxBytes"/> UTF-8 bytes: entries that do not
    /// fit are left out and <c>"_truncated": "true"</c> is added. <see langword="null"/> when there are none.
    /// </summary>
    public static string? Details(IReadOnlyDictionary<string, string?>? data, int maxBytes)
    {
        if (data is null || data.Count == 0)
        {
            return null;
        }

        var budget = maxBytes - 24; // room for ,"_truncated":"true"}
        using var buffer = new MemoryStream();
        var truncated = false;
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in data.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var entrySize = Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(value ?? "null") + 6;
                writer.Flush();
                if (buffer.Length + entrySize > budget || string.Equals(key, TruncatedMarker, StringComparison.Ordinal))
                {
                    truncated = true;
                    continue;
                }

                writer.WriteString(key, value);
            }

            writer.Flush();
            if (truncated)
            {
                writer.WriteString(TruncatedMarker, "true");
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary><paramref name="value"/> cut to <paramref name="max"/> characters, never inside a surrogate pair.</summary>
    public static string? Cut(string? value, int max)
    {
        if (value is null || value.Length <= max)
        {
            return value;
        }

        var length = char.IsHighSurrogate(value[max - 1]) ? max - 1 : max;
        return value[..length];
    }
}
