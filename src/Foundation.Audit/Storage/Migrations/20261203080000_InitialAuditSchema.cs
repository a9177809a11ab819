using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using L = Foundation.Audit.Storage.AuditColumnLengths;

namespace Foundation.Audit.Storage.Migrations;

/// <summary>
/// The first Audit schema: events, chain heads, checkpoints and signing keys. Hand-written and valid on SQLite and PostgreSQL
/// (SQLite keeps <see cref="DateTimeOffset"/> as UTC ticks in an INTEGER column).
/// </summary>
[DbContext(typeof(AuditDbContext))]
[Migration("20261203080000_InitialAuditSchema")]
public sealed class InitialAuditSchema : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        var t = new ColumnTypes(migrationBuilder.IsSqlite());

        migrationBuilder.CreateTable(
            name: "audit_events",
            columns: table => new
            {
                id = table.Column<Guid>(type: t.Guid, nullable: false),
                tenant_id = table.Column<string>(type: t.String(L.TenantId), nullable: false),
                seq = table.Column<long>(type: t.Long, nullable: false),
                occurred_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: false),
                actor_type = table.Column<string>(type: t.String(L.ActorType), nullable: false),
                actor_user_id = table.Column<string>(type: t.String(L.ActorId), nullable: true),
                actor_api_key_id = table.Column<string>(type: t.String(L.ActorId), nullable: true),
                action = table.Column<string>(type: t.String(L.Action), nullable: false),
                target_type = table.Column<string>(type: t.String(L.TargetType), nullable: true),
                target_id = table.Column<string>(type: t.String(L.TargetId), nullable: true),
                outcome = table.Column<string>(type: t.String(L.Outcome), nullable: false),
                severity = table.Column<string>(type: t.String(L.Severity), nullable: false),
                client_ip = table.Column<string>(type: t.String(L.ClientIp), nullable: true),
                user_agent = table.Column<string>(type: t.String(L.UserAgent), nullable: true),
                request_id = table.Column<string>(type: t.String(L.RequestId), nullable: true),
                details = table.Column<string>(type: t.Text, nullable: true),
                prev_hash = table.Column<string>(type: t.String(L.Hash), nullable: false),
                hash = table.Column<string>(type: t.String(L.Hash), nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_audit_events", x => x.id));

        migrationBuilder.CreateTable(
            name: "audit_chain_heads",
            columns: table => new
            {
                tenant_id = table.Column<string>(type: t.String(L.TenantId), nullable: false),
                last_seq = table.Column<long>(type: t.Long, nullable: false),
                last_hash = table.Column<string>(type: t.String(L.Hash), nullable: false),
                checkpoint_seq = table.Column<long>(type: t.Long, nullable: false),
                checkpoint_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_audit_chain_heads", x => x.tenant_id));

        migrationBuilder.CreateTable(
            name: "audit_checkpoints",
            columns: table => new
            {
                id = table.Column<Guid>(type: t.Guid, nullable: false),
                tenant_id = table.Column<string>(type: t.String(L.TenantId), nullable: false),
                seq = table.Column<long>(type: t.Long, nullable: false),
                hash = table.Column<string>(type: t.String(L.Hash), nullable: false),
                created_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: false),
                kind = table.Column<string>(type: t.String(L.Kind), nullable: false),
                key_id = table.Column<string>(type: t.String(L.KeyId), nullable: false),
                signature = table.Column<string>(type: t.String(L.Signature), nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_audit_checkpoints", x => x.id));

        migrationBuilder.CreateTable(
            name: "audit_signing_keys",
            columns: table => new
            {
                key_id = table.Column<string>(type: t.String(L.KeyId), nullable: false),
                protected_key = table.Column<string>(type: t.String(L.ProtectedKey), nullable: false),
                created_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_audit_signing_keys", x => x.key_id));

        migrationBuilder.CreateIndex("ix_audit_events_tenant_id_seq", "audit_events", ["tenant_id", "seq"], unique: true);
        migrationBuilder.CreateIndex("ix_audit_events_tenant_id_occurred_at", "audit_events", ["tenant_id", "occurred_at"]);
        migrationBuilder.CreateIndex("ix_audit_checkpoints_tenant_id_seq", "audit_checkpoints", ["tenant_id", "seq"]);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropTable("audit_signing_keys");
        migrationBuilder.DropTable("audit_checkpoints");
        migrationBuilder.DropTable("audit_chain_heads");
        migrationBuilder.DropTable("audit_events");
    }

    /// <summary>The store types the model maps to, per provider.</summary>
    private readonly struct ColumnTypes(bool sqlite)
    {
        public string Guid => sqlite ? "TEXT" : "uuid";

        public string Long => sqlite ? "INTEGER" : "bigint";

        public string Text => sqlite ? "TEXT" : "text";

        /// <summary>UTC ticks on SQLite, timestamptz on PostgreSQL.</summary>
        public string Timestamp => sqlite ? "INTEGER" : "timestamp with time zone";

        public string String(int maxLength) => sqlite ? "TEXT" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"character varying({maxLength})");
    }
}
