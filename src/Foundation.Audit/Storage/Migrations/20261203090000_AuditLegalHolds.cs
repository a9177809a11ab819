using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using L = Foundation.Audit.Storage.AuditColumnLengths;

namespace Foundation.Audit.Storage.Migrations;

/// <summary>Legal holds per tenant (retention). Hand-written, valid on SQLite and PostgreSQL.</summary>
[DbContext(typeof(AuditDbContext))]
[Migration("20261203090000_AuditLegalHolds")]
public sealed class AuditLegalHolds : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        var sqlite = migrationBuilder.IsSqlite();
        string Text(int max) => sqlite ? "TEXT" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"character varying({max})");
        migrationBuilder.CreateTable(
            name: "audit_legal_holds",
            columns: table => new
            {
                tenant_id = table.Column<string>(type: Text(L.TenantId), nullable: false),
                reason = table.Column<string>(type: Text(L.Reason), nullable: false),
                placed_by = table.Column<string>(type: Text(L.ActorId), nullable: true),
                placed_at = table.Column<DateTimeOffset>(type: sqlite ? "INTEGER" : "timestamp with time zone", nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_audit_legal_holds", x => x.tenant_id));
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropTable("audit_legal_holds");
    }
}
