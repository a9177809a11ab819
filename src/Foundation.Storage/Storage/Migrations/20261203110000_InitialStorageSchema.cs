using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using L = Foundation.Storage.Storage.StorageColumnLengths;

namespace Foundation.Storage.Storage.Migrations;

/// <summary>
/// The first Storage schema: file metadata, usage per tenant, settings. Hand-written and valid on SQLite and PostgreSQL
/// (SQLite keeps <see cref="DateTimeOffset"/> as UTC ticks in an INTEGER column).
/// </summary>
[DbContext(typeof(StorageDbContext))]
[Migration("20261203110000_InitialStorageSchema")]
public sealed class InitialStorageSchema : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        var t = new ColumnTypes(migrationBuilder.IsSqlite());

        migrationBuilder.CreateTable(
            name: "storage_files",
            columns: table => new
            {
                id = table.Column<string>(type: t.String(L.Id), nullable: false),
                tenant_id = table.Column<string>(type: t.String(L.TenantId), nullable: false),
                name = table.Column<string>(type: t.String(L.Name), nullable: false),
                content_type = table.Column<string>(type: t.String(L.ContentType), nullable: false),
                size = table.Column<long>(type: t.Long, nullable: false),
                sha256 = table.Column<string>(type: t.String(L.Sha256), nullable: false),
                created_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: false),
                created_by = table.Column<string>(type: t.String(L.UserId), nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_storage_files", x => x.id));

        migrationBuilder.CreateIndex(name: "ix_storage_files_tenant_id", table: "storage_files", columns: ["tenant_id", "id"]);

        migrationBuilder.CreateTable(
            name: "storage_usage",
            columns: table => new
            {
                tenant_id = table.Column<string>(type: t.String(L.TenantId), nullable: false),
                used_bytes = table.Column<long>(type: t.Long, nullable: false),
                file_count = table.Column<long>(type: t.Long, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_storage_usage", x => x.tenant_id));

        migrationBuilder.CreateTable(
            name: "storage_settings",
            columns: table => new
            {
                name = table.Column<string>(type: t.String(L.SettingName), nullable: false),
                value = table.Column<string>(type: t.String(L.SettingValue), nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_storage_settings", x => x.name));
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropTable(name: "storage_settings");
        migrationBuilder.DropTable(name: "storage_usage");
        migrationBuilder.DropTable(name: "storage_files");
    }

    private readonly struct ColumnTypes(bool sqlite)
    {
        public string Long => sqlite ? "INTEGER" : "bigint";

        /// <summary>UTC ticks on SQLite, timestamptz on PostgreSQL.</summary>
        public string Timestamp => sqlite ? "INTEGER" : "timestamp with time zone";

        /// <summary>PostgreSQL compares ids and tenants with the "C" collation there, so keyset pages order the same as on SQLite.</summary>
        public string String(int maxLength) => sqlite ? "TEXT" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"character varying({maxLength}) COLLATE \"C\"");
    }
}
