using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Foundation.Hosting.Data.KeyRing.Migrations;

/// <summary>The key ring table. Hand-written, valid on SQLite and PostgreSQL.</summary>
[DbContext(typeof(KeyRingDbContext))]
[Migration("20261203110000_InitialKeyRing")]
public sealed class InitialKeyRing : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        var sqlite = migrationBuilder.IsSqlite();
        migrationBuilder.CreateTable(
            name: "foundation_data_protection_keys",
            columns: table => new
            {
                id = sqlite
                    ? table.Column<int>(type: "INTEGER", nullable: false).Annotation("Sqlite:Autoincrement", true)
                    : table.Column<int>(type: "integer", nullable: false).Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                friendly_name = table.Column<string>(type: "text", nullable: true),
                xml = table.Column<string>(type: "text", nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_foundation_data_protection_keys", x => x.id));
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropTable("foundation_data_protection_keys");
    }
}
