using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using L = Foundation.Audit.Storage.AuditColumnLengths;

namespace Foundation.Audit.Storage.Migrations;

/// <summary>
/// GDPR: per-person data keys (crypto-shredding), erasure records and consent records; on PostgreSQL the columns that now hold encrypted
/// personal fields are widened (a metadata-only change for <c>character varying</c>). Hand-written, valid on SQLite and PostgreSQL.
/// </summary>
[DbContext(typeof(AuditDbContext))]
[Migration("20261203100000_AuditPersonalData")]
public sealed class AuditPersonalData : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        var sqlite = migrationBuilder.IsSqlite();
        string Text(int max) => sqlite ? "TEXT" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"character varying({max})");
        var timestamp = sqlite ? "INTEGER" : "timestamp with time zone";
        var guid = sqlite ? "TEXT" : "uuid";

        if (!sqlite)
        {
            migrationBuilder.Sql($"ALTER TABLE audit_events ALTER COLUMN actor_user_id TYPE {Text(L.ActorIdStored)}");
            migrationBuilder.Sql($"ALTER TABLE audit_events ALTER COLUMN client_ip TYPE {Text(L.ClientIpStored)}");
            migrationBuilder.Sql($"ALTER TABLE audit_events ALTER COLUMN user_agent TYPE {Text(L.UserAgentStored)}");
        }

        migrationBuilder.CreateTable(
            name: "audit_subject_keys",
            columns: table => new
            {
                id = table.Column<Guid>(type: guid, nullable: false),
                tenant_id = table.Column<string>(type: Text(L.TenantId), nullable: false),
                subject_id = table.Column<string>(type: Text(L.ActorId), nullable: false),
                protected_key = table.Column<string>(type: Text(L.ProtectedKey), nullable: false),
                created_at = table.Column<DateTimeOffset>(type: timestamp, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_audit_subject_keys", x => x.id));
        migrationBuilder.CreateIndex("ix_audit_subject_keys_tenant_id_subject_id", "audit_subject_keys", ["tenant_id", "subject_id"], unique: true);

        migrationBuilder.CreateTable(
            name: "audit_gdpr_erasures",
            columns: table => new
            {
                tenant_id = table.Column<string>(type: Text(L.TenantId), nullable: false),
                user_id = table.Column<string>(type: Text(L.ActorId), nullable: false),
                requested_by = table.Column<string>(type: Text(L.ActorId), nullable: true),
                requested_at = table.Column<DateTimeOffset>(type: timestamp, nullable: false),
                completed_at = table.Column<DateTimeOffset>(type: timestamp, nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_audit_gdpr_erasures", x => new { x.tenant_id, x.user_id }));

        migrationBuilder.CreateTable(
            name: "audit_consents",
            columns: table => new
            {
                id = table.Column<Guid>(type: guid, nullable: false),
                tenant_id = table.Column<string>(type: Text(L.TenantId), nullable: false),
                user_id = table.Column<string>(type: Text(L.ActorId), nullable: false),
                purpose = table.Column<string>(type: Text(L.Purpose), nullable: false),
                version = table.Column<string>(type: Text(L.ConsentVersion), nullable: false),
                granted = table.Column<bool>(type: sqlite ? "INTEGER" : "boolean", nullable: false),
                recorded_at = table.Column<DateTimeOffset>(type: timestamp, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_audit_consents", x => x.id));
        migrationBuilder.CreateIndex("ix_audit_consents_tenant_id_user_id_recorded_at", "audit_consents", ["tenant_id", "user_id", "recorded_at"]);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropTable("audit_consents");
        migrationBuilder.DropTable("audit_gdpr_erasures");
        migrationBuilder.DropTable("audit_subject_keys");
    }
}
