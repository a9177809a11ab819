using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using L = Foundation.Costing.Storage.CostingColumnLengths;

namespace Foundation.Costing.Storage.Migrations;

/// <summary>
/// Budget leases (decision 0012): <c>costing_budget_leases</c> holds the slices of headroom each instance took, and
/// <c>costing_budget_usage.leased_cost_nanos</c> / <c>leased_tokens</c> their sum per period row, so admission stays one conditional UPDATE
/// (<c>spent + reserved + leased + x &lt;= limit</c>). Hand-written like the earlier migrations (there is no model snapshot; the schema tests
/// prove it matches the model); valid on SQLite and PostgreSQL.
/// </summary>
[DbContext(typeof(CostingDbContext))]
[Migration("20261203120000_BudgetLeases")]
public sealed class BudgetLeases : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        var sqlite = migrationBuilder.IsSqlite();
        var guid = sqlite ? "TEXT" : "uuid";
        var bigint = sqlite ? "INTEGER" : "bigint";
        var timestamp = sqlite ? "INTEGER" : "timestamp with time zone";
        string Text(int length) => sqlite ? "TEXT" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"character varying({length})");

        migrationBuilder.AddColumn<long>(name: "leased_cost_nanos", table: "costing_budget_usage", type: bigint, nullable: false, defaultValue: 0L);
        migrationBuilder.AddColumn<long>(name: "leased_tokens", table: "costing_budget_usage", type: bigint, nullable: false, defaultValue: 0L);
        migrationBuilder.CreateTable(
            name: "costing_budget_leases",
            columns: table => new
            {
                id = table.Column<Guid>(type: guid, nullable: false),
                budget_id = table.Column<Guid>(type: guid, nullable: false),
                subject = table.Column<string>(type: Text(L.Subject), nullable: false),
                period_start = table.Column<DateTimeOffset>(type: timestamp, nullable: false),
                holder = table.Column<string>(type: Text(L.Holder), nullable: false),
                cost_nanos = table.Column<long>(type: bigint, nullable: false),
                tokens = table.Column<long>(type: bigint, nullable: false),
                created_at = table.Column<DateTimeOffset>(type: timestamp, nullable: false),
                expires_at = table.Column<DateTimeOffset>(type: timestamp, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_costing_budget_leases", x => x.id);
                table.ForeignKey("fk_costing_budget_leases_costing_budgets_budget_id", x => x.budget_id, "costing_budgets", "id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("ix_costing_budget_leases_expires_at", "costing_budget_leases", "expires_at");
        migrationBuilder.CreateIndex("ix_costing_budget_leases_budget_id", "costing_budget_leases", "budget_id");
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);

        // Outstanding leases are returned with the table: the headroom they held becomes available again.
        migrationBuilder.DropTable("costing_budget_leases");
        migrationBuilder.DropColumn(name: "leased_tokens", table: "costing_budget_usage");
        migrationBuilder.DropColumn(name: "leased_cost_nanos", table: "costing_budget_usage");
    }
}
