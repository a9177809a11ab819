using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using L = Foundation.Costing.Storage.CostingColumnLengths;

namespace Foundation.Costing.Storage.Migrations;

/// <summary>
/// Adds <c>costing_prices.tenant_id</c>: a row with a tenant is that tenant's override, a row without one (every existing row) stays a
/// global price. The unique index on (provider, model, effective_from) is narrowed to the global rows and a second one covers the tenants'
/// overrides. Hand-written like the first migration; valid on SQLite and PostgreSQL.
/// </summary>
[DbContext(typeof(CostingDbContext))]
[Migration("20261203090000_TenantPriceOverrides")]
public sealed class TenantPriceOverrides : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        var sqlite = migrationBuilder.IsSqlite();
        migrationBuilder.AddColumn<string>(
            name: "tenant_id",
            table: "costing_prices",
            type: sqlite ? "TEXT" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"character varying({L.TenantId})"),
            nullable: true);
        migrationBuilder.DropIndex(name: "ix_costing_prices_provider_model_effective_from", table: "costing_prices");
        migrationBuilder.CreateIndex(
            name: "ix_costing_prices_provider_model_effective_from",
            table: "costing_prices",
            columns: ["provider", "model", "effective_from"],
            unique: true,
            filter: PriceIndexes.GlobalFilter);
        migrationBuilder.CreateIndex(
            name: "ix_costing_prices_tenant_id_provider_model_effective_from",
            table: "costing_prices",
            columns: ["tenant_id", "provider", "model", "effective_from"],
            unique: true,
            filter: PriceIndexes.TenantFilter);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);

        // The tenants' overrides cannot be told apart from global prices without the column: they go with it.
        migrationBuilder.Sql("DELETE FROM costing_prices WHERE tenant_id IS NOT NULL");
        migrationBuilder.DropIndex(name: "ix_costing_prices_tenant_id_provider_model_effective_from", table: "costing_prices");
        migrationBuilder.DropIndex(name: "ix_costing_prices_provider_model_effective_from", table: "costing_prices");
        migrationBuilder.DropColumn(name: "tenant_id", table: "costing_prices");
        migrationBuilder.CreateIndex("ix_costing_prices_provider_model_effective_from", "costing_prices", ["provider", "model", "effective_from"], unique: true);
    }
}
