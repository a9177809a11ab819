using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using L = Foundation.Costing.Storage.CostingColumnLengths;

namespace Foundation.Costing.Storage.Migrations;

/// <summary>
/// The first Costing schema: ledger, budgets, budget usage per period, reservations and prices. Hand-written (the EF design tools are not
/// available here) and valid on SQLite and PostgreSQL: column types are chosen per provider, matching what the model maps to (SQLite keeps
/// <see cref="DateTimeOffset"/> as UTC ticks in an INTEGER column and decimals as TEXT).
/// </summary>
[DbContext(typeof(CostingDbContext))]
[Migration("20261122090000_InitialCostingSchema")]
public sealed class InitialCostingSchema : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        var t = new ColumnTypes(migrationBuilder.IsSqlite());

        migrationBuilder.CreateTable(
            name: "costing_ledger",
            columns: table => new
            {
                id = table.Column<Guid>(type: t.Guid, nullable: false),
                occurred_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: false),
                hour_bucket = table.Column<long>(type: t.Long, nullable: false),
                tenant_id = table.Column<string>(type: t.String(L.TenantId), nullable: false),
                user_id = table.Column<string>(type: t.String(L.UserId), nullable: true),
                api_key_id = table.Column<string>(type: t.String(L.ApiKeyId), nullable: true),
                team_id = table.Column<string>(type: t.String(L.TeamId), nullable: true),
                roles = table.Column<string>(type: t.String(L.Roles), nullable: true),
                provider = table.Column<string>(type: t.String(L.Provider), nullable: false),
                model = table.Column<string>(type: t.String(L.Model), nullable: false),
                deployment = table.Column<string>(type: t.String(L.Deployment), nullable: true),
                input_tokens = table.Column<long>(type: t.Long, nullable: false),
                cached_input_tokens = table.Column<long>(type: t.Long, nullable: false),
                cache_write_input_tokens = table.Column<long>(type: t.Long, nullable: false),
                output_tokens = table.Column<long>(type: t.Long, nullable: false),
                reasoning_tokens = table.Column<long>(type: t.Long, nullable: false),
                total_tokens = table.Column<long>(type: t.Long, nullable: false),
                cost_nanos = table.Column<long>(type: t.Long, nullable: true),
                latency_ms = table.Column<double>(type: t.Double, nullable: false),
                ttft_ms = table.Column<double>(type: t.Double, nullable: true),
                status = table.Column<int>(type: t.Int, nullable: false),
                error_type = table.Column<string>(type: t.String(L.ErrorType), nullable: true),
                request_id = table.Column<string>(type: t.String(L.RequestId), nullable: true),
                estimated = table.Column<bool>(type: t.Bool, nullable: false),
                streaming = table.Column<bool>(type: t.Bool, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_costing_ledger", x => x.id));

        migrationBuilder.CreateTable(
            name: "costing_budgets",
            columns: table => new
            {
                id = table.Column<Guid>(type: t.Guid, nullable: false),
                tenant_id = table.Column<string>(type: t.String(L.TenantId), nullable: false),
                name = table.Column<string>(type: t.String(L.BudgetName), nullable: false),
                scope_kind = table.Column<int>(type: t.Int, nullable: false),
                scope_value = table.Column<string>(type: t.String(L.ScopeValue), nullable: true),
                period = table.Column<int>(type: t.Int, nullable: false),
                rolling_hours = table.Column<int>(type: t.Int, nullable: true),
                limit_cost_nanos = table.Column<long>(type: t.Long, nullable: true),
                limit_tokens = table.Column<long>(type: t.Long, nullable: true),
                thresholds = table.Column<string>(type: t.String(L.Thresholds), nullable: false),
                hard_limit = table.Column<bool>(type: t.Bool, nullable: false),
                enabled = table.Column<bool>(type: t.Bool, nullable: false),
                created_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: false),
                updated_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_costing_budgets", x => x.id));

        migrationBuilder.CreateTable(
            name: "costing_budget_usage",
            columns: table => new
            {
                id = table.Column<Guid>(type: t.Guid, nullable: false),
                budget_id = table.Column<Guid>(type: t.Guid, nullable: false),
                subject = table.Column<string>(type: t.String(L.Subject), nullable: false),
                period_start = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: false),
                period_end = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: false),
                spent_cost_nanos = table.Column<long>(type: t.Long, nullable: false),
                spent_tokens = table.Column<long>(type: t.Long, nullable: false),
                reserved_cost_nanos = table.Column<long>(type: t.Long, nullable: false),
                reserved_tokens = table.Column<long>(type: t.Long, nullable: false),
                thresholds_raised = table.Column<int>(type: t.Int, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_costing_budget_usage", x => x.id);
                table.ForeignKey("fk_costing_budget_usage_costing_budgets_budget_id", x => x.budget_id, "costing_budgets", "id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "costing_reservations",
            columns: table => new
            {
                id = table.Column<Guid>(type: t.Guid, nullable: false),
                reservation_id = table.Column<Guid>(type: t.Guid, nullable: false),
                budget_id = table.Column<Guid>(type: t.Guid, nullable: false),
                subject = table.Column<string>(type: t.String(L.Subject), nullable: false),
                period_start = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: false),
                cost_nanos = table.Column<long>(type: t.Long, nullable: false),
                tokens = table.Column<long>(type: t.Long, nullable: false),
                created_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: false),
                expires_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_costing_reservations", x => x.id);
                table.ForeignKey("fk_costing_reservations_costing_budgets_budget_id", x => x.budget_id, "costing_budgets", "id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "costing_prices",
            columns: table => new
            {
                id = table.Column<Guid>(type: t.Guid, nullable: false),
                provider = table.Column<string>(type: t.String(L.Provider), nullable: false),
                model = table.Column<string>(type: t.String(L.Model), nullable: false),
                effective_from = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: false),
                input_per_million = table.Column<decimal>(type: t.Money, nullable: false),
                output_per_million = table.Column<decimal>(type: t.Money, nullable: false),
                cached_input_per_million = table.Column<decimal>(type: t.Money, nullable: true),
                cache_write_5m_per_million = table.Column<decimal>(type: t.Money, nullable: true),
                cache_write_1h_per_million = table.Column<decimal>(type: t.Money, nullable: true),
                reasoning_per_million = table.Column<decimal>(type: t.Money, nullable: true),
                created_at = table.Column<DateTimeOffset>(type: t.Timestamp, nullable: false),
                created_by = table.Column<string>(type: t.String(L.Note), nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_costing_prices", x => x.id));

        migrationBuilder.CreateIndex("ix_costing_ledger_tenant_id_occurred_at", "costing_ledger", ["tenant_id", "occurred_at"]);
        migrationBuilder.CreateIndex("ix_costing_ledger_tenant_id_user_id_occurred_at", "costing_ledger", ["tenant_id", "user_id", "occurred_at"]);
        migrationBuilder.CreateIndex("ix_costing_ledger_occurred_at", "costing_ledger", "occurred_at");
        migrationBuilder.CreateIndex("ix_costing_budgets_tenant_id_name", "costing_budgets", ["tenant_id", "name"], unique: true);
        migrationBuilder.CreateIndex("ix_costing_budgets_tenant_id_scope_kind_scope_value", "costing_budgets", ["tenant_id", "scope_kind", "scope_value"]);
        migrationBuilder.CreateIndex("ix_costing_budget_usage_budget_id_subject_period_start", "costing_budget_usage", ["budget_id", "subject", "period_start"], unique: true);
        migrationBuilder.CreateIndex("ix_costing_reservations_reservation_id", "costing_reservations", "reservation_id");
        migrationBuilder.CreateIndex("ix_costing_reservations_expires_at", "costing_reservations", "expires_at");
        migrationBuilder.CreateIndex("ix_costing_reservations_budget_id", "costing_reservations", "budget_id");
        migrationBuilder.CreateIndex("ix_costing_prices_provider_model_effective_from", "costing_prices", ["provider", "model", "effective_from"], unique: true);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.DropTable("costing_reservations");
        migrationBuilder.DropTable("costing_budget_usage");
        migrationBuilder.DropTable("costing_budgets");
        migrationBuilder.DropTable("costing_ledger");
        migrationBuilder.DropTable("costing_prices");
    }

    /// <summary>The store types the model maps to, per provider.</summary>
    private readonly struct ColumnTypes(bool sqlite)
    {
        public string Guid => sqlite ? "TEXT" : "uuid";

        public string Int => sqlite ? "INTEGER" : "integer";

        public string Long => sqlite ? "INTEGER" : "bigint";

        public string Bool => sqlite ? "INTEGER" : "boolean";

        public string Double => sqlite ? "REAL" : "double precision";

        public string Money => sqlite ? "TEXT" : "numeric(18,9)";

        /// <summary>UTC ticks on SQLite, timestamptz on PostgreSQL.</summary>
        public string Timestamp => sqlite ? "INTEGER" : "timestamp with time zone";

        public string String(int maxLength) => sqlite ? "TEXT" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"character varying({maxLength})");
    }
}
