using Foundation.Audit.Storage;
using Foundation.Internal;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Foundation.Audit.Chain;

/// <summary>
/// Inserts chained events inside the caller's transaction through <see cref="BatchInsert"/> (SQLite: one prepared single-row INSERT
/// re-executed per event; PostgreSQL: INSERT ... SELECT FROM unnest of one array parameter per column), binding values as the model stores them (SQLite: UTC ticks and
/// upper-case GUID text). Several times faster than change tracking.
/// </summary>
internal static class AuditEventInserter
{
    private static readonly string[] Columns =
    [
        "id", "tenant_id", "seq", "occurred_at", "actor_type", "actor_user_id", "actor_api_key_id", "action", "target_type", "target_id",
        "outcome", "severity", "client_ip", "user_agent", "request_id", "details", "prev_hash", "hash",
    ];

    private static readonly Action<AuditEventEntity, object?[], bool> Fill = static (e, v, sqlite) =>
    {
        v[0] = sqlite ? e.Id.ToString().ToUpperInvariant() : e.Id;
        v[1] = e.TenantId;
        v[2] = e.Seq;
        v[3] = sqlite ? e.OccurredAt.UtcTicks : e.OccurredAt.ToUniversalTime();
        v[4] = e.ActorType;
        v[5] = e.ActorUserId;
        v[6] = e.ActorApiKeyId;
        v[7] = e.Action;
        v[8] = e.TargetType;
        v[9] = e.TargetId;
        v[10] = e.Outcome;
        v[11] = e.Severity;
        v[12] = e.ClientIp;
        v[13] = e.UserAgent;
        v[14] = e.RequestId;
        v[15] = e.Details;
        v[16] = e.PrevHash;
        v[17] = e.Hash;
    };

    public static Task InsertAsync(AuditDbContext db, IReadOnlyList<AuditEventEntity> rows, CancellationToken cancellationToken) =>
        BatchInsert.RunAsync(
            db.Database.GetDbConnection(),
            db.Database.CurrentTransaction?.GetDbTransaction(),
            db.IsSqlite,
            "audit_events",
            Columns,
            rows,
            Fill,
            cancellationToken);
}
