using Foundation.Costing.Budgets;
using Foundation.Costing.Pricing;
using Foundation.Costing.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Costing.Tests.Pricing;

/// <summary>The price and budget services' tenant rules and audit events, on SQLite and PostgreSQL.</summary>
public abstract class TenantPriceServiceTests<TDatabase> : IClassFixture<TDatabase>
    where TDatabase : CostingTestDatabase, new()
{
    protected TenantPriceServiceTests(TDatabase database) => Database = database;

    protected TDatabase Database { get; }

    [Fact]
    public async Task A_tenant_keeps_at_most_the_configured_number_of_overrides_and_replacing_one_does_not_count()
    {
        var tenant = CostingTestDatabase.NewTenant();
        var time = TestClock.Create();
        await using var services = Database.BuildServices(time: time, configure: o => o.MaxPriceOverridesPerTenant = 2);
        await using var scope = services.CreateAsyncScope();
        var prices = scope.ServiceProvider.GetRequiredService<PriceCatalogService>();
        var from = time.GetUtcNow();

        await prices.SetTenantPriceAsync(tenant, Change("gpt-4o-mini", 1m, from));
        await prices.SetTenantPriceAsync(tenant, Change("gpt-4o", 1m, from));
        var replaced = await prices.SetTenantPriceAsync(tenant, Change("gpt-4o", 2m, from));
        replaced.Price.InputPerMillion.ShouldBe(2m, "the same provider, model and date replaces the row");
        var ex = await Should.ThrowAsync<PriceOverrideLimitException>(() => prices.SetTenantPriceAsync(tenant, Change("o3", 1m, from)));
        ex.Message.ShouldContain("MaxPriceOverridesPerTenant");

        // Another tenant has its own allowance, and the limit never applies to the global catalog.
        await prices.SetTenantPriceAsync(CostingTestDatabase.NewTenant(), Change("o3", 1m, from));
        (await prices.RemoveTenantPriceAsync(tenant, "openai", "gpt-4o")).ShouldBe(1);
        await prices.SetTenantPriceAsync(tenant, Change("o3", 1m, from));
        prices.ResolveForTenant(tenant, "openai", "o3")!.Value.Entry.Source.ShouldBe(PriceSource.Tenant);
        prices.Resolve("openai", "o3")!.Value.Entry.Source.ShouldBe(PriceSource.Default);
    }

    [Fact]
    public async Task Budget_changes_are_audited_with_actor_tenant_and_the_values_before_and_after()
    {
        var tenant = CostingTestDatabase.NewTenant();
        var audit = new RecordingAuditEventWriter();
        var caller = new TestCaller { UserId = "u-admin", TenantId = tenant, RequestId = "req-1" };
        await using var services = Database.BuildServices(audit: audit, caller: caller);
        await using var scope = services.CreateAsyncScope();
        var budgets = scope.ServiceProvider.GetRequiredService<BudgetService>();

        var created = await budgets.CreateAsync(tenant, new BudgetDefinition { Name = "daily", Scope = "tenant", Period = "day", LimitUsd = 5m });
        await budgets.UpdateAsync(tenant, created.Id, new BudgetDefinition { LimitUsd = 7.5m });
        (await budgets.DeleteAsync(CostingTestDatabase.NewTenant(), created.Id)).ShouldBeFalse("another tenant cannot delete it");
        (await budgets.DeleteAsync(tenant, created.Id)).ShouldBeTrue();

        var events = audit.Events.Where(e => e.Action.StartsWith("costing.budget.", StringComparison.Ordinal)).ToList();
        events.Select(e => e.Action).ShouldBe(["costing.budget.set", "costing.budget.set", "costing.budget.removed"]);
        events.ShouldAllBe(e => e.ActorUserId == "u-admin" && e.TenantId == tenant && e.RequestId == "req-1" && e.TargetId == created.Id.ToString());
        events[0].Data.ContainsKey("before.limitUsd").ShouldBeFalse();
        decimal.Parse(events[0].Data["after.limitUsd"]!, System.Globalization.CultureInfo.InvariantCulture).ShouldBe(5m);
        decimal.Parse(events[1].Data["before.limitUsd"]!, System.Globalization.CultureInfo.InvariantCulture).ShouldBe(5m);
        decimal.Parse(events[1].Data["after.limitUsd"]!, System.Globalization.CultureInfo.InvariantCulture).ShouldBe(7.5m);
        events[2].Data["before.name"].ShouldBe("daily");
        events[2].Data.ContainsKey("after.name").ShouldBeFalse();
    }

    private static PriceChange Change(string model, decimal input, DateTimeOffset from) =>
        new() { Provider = "openai", Model = model, InputPerMillion = input, OutputPerMillion = input, EffectiveFrom = from };
}

public sealed class TenantPriceServiceSqliteTests(SqliteCostingDatabase database) : TenantPriceServiceTests<SqliteCostingDatabase>(database);

public sealed class TenantPriceServicePostgresTests(PostgresCostingDatabase database) : TenantPriceServiceTests<PostgresCostingDatabase>(database);
