using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using L = Foundation.FeatureFlags.Storage.FeatureFlagColumnLengths;

namespace Foundation.FeatureFlags.Storage.Migrations;

/// <summary>
/// The first FeatureFlags schema: <c>feature_flags</c>, one row per organisation and flag, unique on (tenant, lower-cased name).
/// Hand-written and valid on SQLite and PostgreSQL (SQLite keeps <see cref="DateTimeOffset"/> as UTC ticks in an INTEGER column).
/// </summary>
[DbContext(typeof(FeatureFlagsDbContext))]
[Migration("20261215130000_InitialFeatureFlagsSchema")]
public sealed class InitialFeatureFlagsSchema : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        var sqlite = migrationBuilder.IsSqlite();
        string Text(int maxLength) => sqlite ? "TEXT" : string.Create(CultureInfo.InvariantCulture, $"character varying({maxLength}) COLLATE \"C\"");
        var longText = sqlite ? "TEXT" : "text";
        var integer = sqlite ? "INTEGER" : "integer";
        var bigint = sqlite ? "INTEGER" : "bigint";
        var boolean = sqlite ? "INTEGER" : "boolean";
        var timestamp = sqlite ? "INTEGER" : "timestamp with time zone";

        migrationBuilder.CreateTable(
            name: "feature_flags",
            columns: table => new
            {
                id = table.Column<string>(type: Text(L.Id), nullable: false),
                tenant_id = table.Column<string>(type: Text(L.TenantId), nullable: false),
                name = table.Column<string>(type: Text(L.Name), nullable: false),
                name_key = table.Column<string>(type: Text(L.Name), nullable: false),
                description = table.Column<string>(type: Text(L.Description), nullable: true),
                enabled = table.Column<bool>(type: boolean, nullable: false),
                rollout_percentage = table.Column<int>(type: integer, nullable: false),
                audience = table.Column<string>(type: longText, nullable: false),
                version = table.Column<long>(type: bigint, nullable: false),
                created_at = table.Column<DateTimeOffset>(type: timestamp, nullable: false),
                updated_at = table.Column<DateTimeOffset>(type: timestamp, nullable: false),
                updated_by = table.Column<string>(type: Text(L.UserId), nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_feature_flags", x => x.id));

        migrationBuilder.CreateIndex(name: "ux_feature_flags_tenant_name", table: "feature_flags", columns: ["tenant_id", "name_key"], unique: true);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropTable(name: "feature_flags");
    }
}
