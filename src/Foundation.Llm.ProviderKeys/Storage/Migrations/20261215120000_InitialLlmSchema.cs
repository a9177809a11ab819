using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using L = Foundation.Llm.Routing.Storage.LlmColumnLengths;

namespace Foundation.Llm.Routing.Storage.Migrations;

/// <summary>
/// The first Foundation.Llm.Routing schema: provider keys. Hand-written (the EF design tools are not available here) and
/// valid on SQLite and PostgreSQL: column types are chosen per provider, matching what the model maps to (SQLite stores
/// <see cref="DateTimeOffset"/> as UTC ticks in an INTEGER column).
/// </summary>
[DbContext(typeof(LlmDbContext))]
[Migration("20261215120000_InitialLlmSchema")]
public sealed class InitialLlmSchema : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        var t = new ColumnTypes(migrationBuilder.IsSqlite());

        migrationBuilder.CreateTable(
            name: "llm_provider_keys",
            columns: table => new
            {
                id = table.Column<Guid>(type: t.Guid, nullable: false),
                tenant_id = table.Column<string>(type: t.String(L.TenantId), nullable: false),
                owner_user_id = table.Column<string>(type: t.String(L.UserId), nullable: true),
                provider = table.Column<string>(type: t.String(L.Provider), nullable: false),
                name = table.Column<string>(type: t.String(L.Name), nullable: false),
                protected_key = table.Column<string>(type: t.Text, nullable: false),
                base_url = table.Column<string>(type: t.String(L.BaseUrl), nullable: true),
                key_hint = table.Column<string>(type: t.String(L.KeyHint), nullable: false),
                created_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: false),
                updated_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: false),
                last_used_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: true),
                last_tested_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: true),
                last_test_ok = table.Column<bool>(type: t.Bool, nullable: true),
                last_test_message = table.Column<string>(type: t.String(L.TestMessage), nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_llm_provider_keys", x => x.id));

        migrationBuilder.CreateIndex(
            "ix_llm_provider_keys_tenant_id_owner_user_id_provider", "llm_provider_keys", ["tenant_id", "owner_user_id", "provider"]);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropTable("llm_provider_keys");
    }

    /// <summary>The store types the model maps to, per provider.</summary>
    private readonly struct ColumnTypes(bool sqlite)
    {
        public string Guid => sqlite ? "TEXT" : "uuid";

        public string Bool => sqlite ? "INTEGER" : "boolean";

        public string Text => sqlite ? "TEXT" : "text";

        /// <summary>UTC ticks on SQLite, timestamptz on PostgreSQL.</summary>
        public string Timestamp => sqlite ? "INTEGER" : "timestamp with time zone";

        public string String(int maxLength) => sqlite ? "TEXT" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"character varying({maxLength})");
    }
}
