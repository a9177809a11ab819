using System.Data.Common;
using System.Globalization;
using System.Text;
using Foundation.Audit.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Foundation.Audit.Chain;

/// <summary>
/// Inserts chained events with multi-row parameterised INSERTs inside the caller's transaction (55 rows per statement on SQLite, whose
/// builds may cap a statement at 999 parameters; 400 on PostgreSQL), binding values as the model stores them (SQLite: UTC ticks and
/// upper-case GUID text). Several times faster than change tracking for the writer's batches.
/// </summary>
internal static class AuditEventInserter
{
    private const int SqliteRowsPerStatement = 55;
    private const int PostgresRowsPerStatement = 400;

    private static readonly string[] Columns =
    [
        "id", "tenant_id", "seq", "occurred_at", "actor_type", "actor_user_id", "actor_api_key_id", "action", "target_type", "target_id",
        "outcome", "severity", "client_ip", "user_agent", "request_id", "details", "prev_hash", "hash",
    ];

    private static readonly string SqliteStatement = BuildSql(SqliteRowsPerStatement);
    private static readonly string PostgresStatement = BuildSql(PostgresRowsPerStatement);

    public static async Task InsertAsync(AuditDbContext db, IReadOnlyList<AuditEventEntity> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var sqlite = db.IsSqlite;
        var perStatement = sqlite ? SqliteRowsPerStatement : PostgresRowsPerStatement;
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        for (var offset = 0; offset < rows.Count; offset += perStatement)
        {
            var count = Math.Min(perStatement, rows.Count - offset);
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
#pragma warning disable CA2100 // built from this class's constant column list; every value is a parameter
                command.CommandText = count == perStatement ? (sqlite ? SqliteStatement : PostgresStatement) : BuildSql(count);
#pragma warning restore CA2100
                command.Transaction = transaction;
                var p = 0;
                for (var i = 0; i < count; i++)
                {
                    var e = rows[offset + i];
                    Add(command, ref p, sqlite ? e.Id.ToString().ToUpperInvariant() : e.Id);
                    Add(command, ref p, e.TenantId);
                    Add(command, ref p, e.Seq);
                    Add(command, ref p, sqlite ? e.OccurredAt.UtcTicks : e.OccurredAt.ToUniversalTime());
                    Add(command, ref p, e.ActorType);
                    Add(command, ref p, e.ActorUserId);
                    Add(command, ref p, e.ActorApiKeyId);
                    Add(command, ref p, e.Action);
                    Add(command, ref p, e.TargetType);
                    Add(command, ref p, e.TargetId);
                    Add(command, ref p, e.Outcome);
                    Add(command, ref p, e.Severity);
                    Add(command, ref p, e.ClientIp);
                    Add(command, ref p, e.UserAgent);
                    Add(command, ref p, e.RequestId);
                    Add(command, ref p, e.Details);
                    Add(command, ref p, e.PrevHash);
                    Add(command, ref p, e.Hash);
                }

                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static void Add(DbCommand command, ref int index, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@p" + index.ToString(CultureInfo.InvariantCulture);
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        index++;
    }

    private static string BuildSql(int rows)
    {
        var sql = new StringBuilder("INSERT INTO audit_events (").AppendJoin(", ", Columns).Append(") VALUES ");
        var p = 0;
        for (var r = 0; r < rows; r++)
        {
            sql.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < Columns.Length; c++)
            {
                sql.Append(c == 0 ? "@p" : ", @p").Append(p++);
            }

            sql.Append(')');
        }

        return sql.ToString();
    }
}
