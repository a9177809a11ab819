using System.Globalization;
using Foundation.Audit.Chain;
using Foundation.Audit.Storage;
using Foundation.Internal;
using static Foundation.Internal.CsvText;

namespace Foundation.Audit.Internal;

/// <summary>The audit export's CSV columns; escaping is the suite's one <see cref="CsvText"/>.</summary>
internal static class AuditCsv
{
    internal static readonly string?[] Header =
    [
        "seq", "id", "occurred_at", "tenant_id", "actor_type", "actor_user_id", "actor_api_key_id", "action", "target_type", "target_id", "outcome",
        "severity", "client_ip", "user_agent", "request_id", "details", "prev_hash", "hash",
    ];

    public static string?[] Fields(AuditEventEntity e) =>
    [
        e.Seq.ToString(CultureInfo.InvariantCulture), e.Id.ToString("D"), AuditCanonicalForm.Timestamp(e.OccurredAt), Escape(e.TenantId), Escape(e.ActorType),
        Escape(e.ActorUserId), Escape(e.ActorApiKeyId), Escape(e.Action), Escape(e.TargetType), Escape(e.TargetId), Escape(e.Outcome), Escape(e.Severity),
        Escape(e.ClientIp), Escape(e.UserAgent), Escape(e.RequestId), Escape(e.Details), e.PrevHash, e.Hash,
    ];
}
