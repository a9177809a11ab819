using Foundation.Costing.Budgets;
using Foundation.Costing.Metering;
using Foundation.Costing.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Costing.Tests.Budgets;

public abstract class BudgetTests<TDatabase> : IClassFixture<TDatabase>
    where TDatabase : CostingTestDatabase, new()
{
    private static readonly Dictionary<string, string?> Prices = new()
    {
        ["Foundation:Costing:Prices:testai:exact-1:InputPerMillion"] = "1",
        ["Foundation:Costing:Prices:testai:exact-1:OutputPerMillion"] = "2",
    };

    private readonly TDatabase _database;

    protected BudgetTests(TDatabase database) => _database = database;

    [Fact]
    public async Task A_hard_limit_refuses_before_the_provider_is_called_naming_budget_limit_spent_and_reset()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero));
        var tenant = CostingTestDatabase.NewTenant();
        var caller = new TestCaller { TenantId = tenant, UserId = "u-1" };
        var audit = new RecordingAuditEventWriter();
        var hook = new RecordingBudgetHook();
        await using var services = _database.BuildServices(time, caller, audit, hook, settings: Prices);
        await CreateAsync(services, tenant, new BudgetDefinition { Name = "daily", Scope = "user", ScopeValue = "u-1", Period = "day", LimitUsd = 0.0003m });
        var inner = Inner(100);
        var client = services.GetRequiredService<CostingChatClientFactory>().Create(inner);

        await client.GetResponseAsync(Prompt(), Options()); // 300 micro-dollars: exactly the limit
        var ex = await Should.ThrowAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt(), Options()));

        inner.Calls.ShouldBe(1);
        ex.BudgetName.ShouldBe("daily");
        ex.Scope.ShouldBe(BudgetScope.User);
        ex.LimitUsd.ShouldBe(0.0003m);
        ex.SpentUsd.ShouldBe(0.0003m);
        ex.RequestedUsd.ShouldBe(0.0003m);
        ex.ResetsAt.ShouldBe(new DateTimeOffset(2026, 11, 22, 0, 0, 0, TimeSpan.Zero));
        ex.Message.ShouldContain("'daily'");
        audit.Events.ShouldContain(e => e.Action == "costing.budget.refused" && e.Outcome == Auditing.AuditOutcome.Denied && e.TenantId == tenant);
        hook.Events.Count(e => e.Kind == BudgetEventKind.LimitRefused).ShouldBe(1);

        await Should.ThrowAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt(), Options()));
        hook.Events.Count(e => e.Kind == BudgetEventKind.LimitRefused).ShouldBe(1, "handlers hear of refusals once per period");
        audit.Events.Count(e => e.Action == "costing.budget.refused").ShouldBe(2, "the audit log gets each one");

        time.SetUtcNow(new DateTimeOffset(2026, 11, 22, 0, 0, 1, TimeSpan.Zero)); // the next day
        await client.GetResponseAsync(Prompt(), Options());
        inner.Calls.ShouldBe(2);
    }

    [Fact]
    public async Task Thresholds_raise_one_event_each_per_period()
    {
        var tenant = CostingTestDatabase.NewTenant();
        var hook = new RecordingBudgetHook();
        var audit = new RecordingAuditEventWriter();
        await using var services = _database.BuildServices(caller: new TestCaller { TenantId = tenant, UserId = "u-1" }, audit: audit, handler: hook, settings: Prices);
        await CreateAsync(services, tenant, new BudgetDefinition { Name = "soft", Scope = "tenant", Period = "month", LimitUsd = 0.001m, HardLimit = false });
        var client = services.GetRequiredService<CostingChatClientFactory>().Create(Inner(100));

        for (var i = 0; i < 5; i++) // 0.3, 0.6, 0.9, 1.2, 1.5 thousandths: crosses 50 at the 2nd, 80 at the 3rd, 100 at the 4th
        {
            await client.GetResponseAsync(Prompt(), Options());
        }

        hook.Events.Where(e => e.Kind == BudgetEventKind.ThresholdReached).Select(e => e.ThresholdPercent).ShouldBe([50, 80, 100]);
        audit.Events.Count(e => e.Action == "costing.budget.threshold").ShouldBe(3);
        var view = (await services.CreateScope().ServiceProvider.GetRequiredService<BudgetService>().ListAsync(tenant)).ShouldHaveSingleItem();
        view.Current.SpentUsd.ShouldBe(0.0015m, "a soft budget never refuses");
        view.Current.Utilisation.ShouldBe(1.5, 1e-9);
    }

    [Fact]
    public async Task A_role_budget_gives_each_holder_its_own_quota()
    {
        var tenant = CostingTestDatabase.NewTenant();
        var alice = new TestCaller { TenantId = tenant, UserId = "alice", Roles = ["Member"] };
        var bob = new TestCaller { TenantId = tenant, UserId = "bob", Roles = ["member"] };
        var admin = new TestCaller { TenantId = tenant, UserId = "carol", Roles = ["admin"] };
        await using var services = _database.BuildServices(settings: Prices);
        await CreateAsync(services, tenant, new BudgetDefinition { Name = "member: $20 a month", Scope = "role", ScopeValue = "member", Period = "month", LimitUsd = 0.0006m });
        var factory = services.GetRequiredService<CostingChatClientFactory>();
        var inner = Inner(100);

        foreach (var caller in new[] { alice, bob })
        {
            var client = factory.Create(inner, caller);
            await client.GetResponseAsync(Prompt(), Options());
            await client.GetResponseAsync(Prompt(), Options());
            await Should.ThrowAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt(), Options()));
        }

        var other = factory.Create(inner, admin);
        for (var i = 0; i < 3; i++)
        {
            await other.GetResponseAsync(Prompt(), Options()); // not a member: no quota
        }

        inner.Calls.ShouldBe(7);
        var budgets = services.CreateScope().ServiceProvider.GetRequiredService<BudgetService>();
        (await budgets.ListForCallerAsync(alice)).ShouldHaveSingleItem().Current.SpentUsd.ShouldBe(0.0006m);
        (await budgets.ListForCallerAsync(admin)).ShouldBeEmpty();
        (await budgets.ListAsync(tenant)).ShouldHaveSingleItem().Current.SpentUsd.ShouldBe(0.0012m);
    }

    [Fact]
    public async Task Token_limits_and_api_key_and_team_scopes_apply_together()
    {
        var tenant = CostingTestDatabase.NewTenant();
        var caller = new TestCaller { TenantId = tenant, UserId = "u", ApiKeyId = "key-1", TeamId = "red" };
        await using var services = _database.BuildServices(caller: caller, settings: Prices);
        await CreateAsync(services, tenant, new BudgetDefinition { Name = "key tokens", Scope = "apikey", ScopeValue = "key-1", Period = "week", LimitTokens = 1_000 });
        await CreateAsync(services, tenant, new BudgetDefinition { Name = "team money", Scope = "team", ScopeValue = "red", Period = "month", LimitUsd = 1m });
        await CreateAsync(services, tenant, new BudgetDefinition { Name = "other team", Scope = "team", ScopeValue = "blue", Period = "month", LimitUsd = 0m });
        var client = services.GetRequiredService<CostingChatClientFactory>().Create(Inner(100));

        for (var i = 0; i < 5; i++)
        {
            await client.GetResponseAsync(Prompt(), Options()); // 200 tokens each
        }

        var ex = await Should.ThrowAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt(), Options()));
        ex.BudgetName.ShouldBe("key tokens");
        ex.LimitTokens.ShouldBe(1_000);
        ex.SpentTokens.ShouldBe(1_000);
        await using var db = _database.CreateContext();
        (await db.Reservations.CountAsync()).ShouldBe(0, "the refusal reserved nothing anywhere, the team budget included");
    }

    [Fact]
    public async Task A_rolling_window_counts_the_last_n_hours()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 21, 10, 30, 0, TimeSpan.Zero));
        var tenant = CostingTestDatabase.NewTenant();
        await using var services = _database.BuildServices(time, new TestCaller { TenantId = tenant, UserId = "u" }, settings: Prices);
        await CreateAsync(services, tenant, new BudgetDefinition { Name = "3h", Scope = "tenant", Period = "rolling", RollingHours = 3, LimitUsd = 0.0006m });
        var client = services.GetRequiredService<CostingChatClientFactory>().Create(Inner(100));

        await client.GetResponseAsync(Prompt(), Options());           // 10:30
        time.Advance(TimeSpan.FromHours(1));
        await client.GetResponseAsync(Prompt(), Options());           // 11:30
        time.Advance(TimeSpan.FromHours(1));
        var ex = await Should.ThrowAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt(), Options())); // 12:30: 10, 11, 12 in the window
        ex.ResetsAt.ShouldBe(new DateTimeOffset(2026, 11, 21, 13, 0, 0, TimeSpan.Zero), "when the 10:00 hour leaves the window");
        time.Advance(TimeSpan.FromHours(1));
        await client.GetResponseAsync(Prompt(), Options());           // 13:30: the 10:00 hour left the window
    }

    [Fact]
    public async Task Reservations_of_crashed_calls_expire_and_are_reclaimed()
    {
        var time = TestClock.Create();
        var tenant = CostingTestDatabase.NewTenant();
        await using var services = _database.BuildServices(time, settings: Prices, configure: o => o.Budgets.ReservationTtlSeconds = 60);
        var view = await CreateAsync(services, tenant, new BudgetDefinition { Name = "cap", Scope = "tenant", Period = "month", LimitUsd = 0.0006m });
        var enforcer = services.GetRequiredService<BudgetEnforcer>();
        var demand = new BudgetDemand(tenant, "u", null, null, [], 0.0003m, 200);

        await enforcer.ReserveAsync(demand); // a call that "crashes": never settled
        await enforcer.ReserveAsync(demand);
        await Should.ThrowAsync<BudgetExceededException>(() => enforcer.ReserveAsync(demand));

        (await enforcer.ReclaimExpiredAsync()).ShouldBe(0, "not expired yet");
        time.Advance(TimeSpan.FromSeconds(61));
        (await enforcer.ReclaimExpiredAsync()).ShouldBe(2);
        var late = await enforcer.ReserveAsync(demand);
        await enforcer.SettleAsync(late, 0.0001m, 50);
        var current = (await services.CreateScope().ServiceProvider.GetRequiredService<BudgetService>().GetAsync(tenant, view.Id))!.Current;
        current.ReservedUsd.ShouldBe(0m);
        current.SpentUsd.ShouldBe(0.0001m);
    }

    [Fact]
    public async Task A_settlement_after_the_reclaimer_returned_the_reservation_only_adds_the_spend()
    {
        var time = TestClock.Create();
        var tenant = CostingTestDatabase.NewTenant();
        await using var services = _database.BuildServices(time, settings: Prices, configure: o => o.Budgets.ReservationTtlSeconds = 1);
        var view = await CreateAsync(services, tenant, new BudgetDefinition { Name = "cap", Scope = "tenant", Period = "month", LimitUsd = 1m });
        var enforcer = services.GetRequiredService<BudgetEnforcer>();
        var slow = await enforcer.ReserveAsync(new BudgetDemand(tenant, "u", null, null, [], 0.5m, 10));
        time.Advance(TimeSpan.FromSeconds(2));
        (await enforcer.ReclaimExpiredAsync()).ShouldBe(1);
        await enforcer.SettleAsync(slow, 0.2m, 10);
        var current = (await services.CreateScope().ServiceProvider.GetRequiredService<BudgetService>().GetAsync(tenant, view.Id))!.Current;
        current.ReservedUsd.ShouldBe(0m, "never returned twice");
        current.SpentUsd.ShouldBe(0.2m);
    }

    [Fact]
    public async Task Bad_budgets_are_refused_naming_the_field_and_nothing_is_stored()
    {
        var tenant = CostingTestDatabase.NewTenant();
        await using var services = _database.BuildServices();
        var budgets = services.CreateScope().ServiceProvider.GetRequiredService<BudgetService>();
        var cases = new (BudgetDefinition Definition, string Field)[]
        {
            (new() { Name = "", Scope = "tenant", Period = "month", LimitUsd = 1 }, "name"),
            (new() { Name = "x", Scope = "galaxy", Period = "month", LimitUsd = 1 }, "scope"),
            (new() { Name = "x", Scope = "user", Period = "month", LimitUsd = 1 }, "scopeValue"),
            (new() { Name = "x", Scope = "tenant", ScopeValue = "t", Period = "month", LimitUsd = 1 }, "scopeValue"),
            (new() { Name = "x", Scope = "tenant", Period = "fortnight", LimitUsd = 1 }, "period"),
            (new() { Name = "x", Scope = "tenant", Period = "rolling", LimitUsd = 1 }, "rollingHours"),
            (new() { Name = "x", Scope = "tenant", Period = "rolling", RollingHours = 0, LimitUsd = 1 }, "rollingHours"),
            (new() { Name = "x", Scope = "tenant", Period = "month", RollingHours = 5, LimitUsd = 1 }, "rollingHours"),
            (new() { Name = "x", Scope = "tenant", Period = "month", LimitUsd = -1 }, "limitUsd"),
            (new() { Name = "x", Scope = "tenant", Period = "month", LimitUsd = 1e12m }, "limitUsd"),
            (new() { Name = "x", Scope = "tenant", Period = "month", LimitTokens = -5 }, "limitTokens"),
            (new() { Name = "x", Scope = "tenant", Period = "month" }, "limitUsd"),
            (new() { Name = "x", Scope = "tenant", Period = "month", LimitUsd = 1, Thresholds = [0] }, "thresholds"),
            (new() { Name = "team\u200B", Scope = "tenant", Period = "month", LimitUsd = 1 }, "name"),
            (new() { Name = "\u202Etegdub", Scope = "tenant", Period = "month", LimitUsd = 1 }, "name"),
            (new() { Name = "a\nb", Scope = "tenant", Period = "month", LimitUsd = 1 }, "name"),
        };
        foreach (var (definition, field) in cases)
        {
            (await Should.ThrowAsync<CostingValidationException>(() => budgets.CreateAsync(tenant, definition))).Field.ShouldBe(field);
        }

        (await budgets.ListAsync(tenant)).ShouldBeEmpty();
        await budgets.CreateAsync(tenant, new BudgetDefinition { Name = "dup", Scope = "tenant", Period = "month", LimitUsd = 1 });
        await Should.ThrowAsync<BudgetConflictException>(() => budgets.CreateAsync(tenant, new BudgetDefinition { Name = "dup", Scope = "tenant", Period = "day", LimitUsd = 2 }));

        // A rename is held to the same rule: "dup" + U+2066 (a bidi isolate) would read like "dup".
        var existing = (await budgets.ListAsync(tenant)).Single();
        var rename = await Should.ThrowAsync<CostingValidationException>(() => budgets.UpdateAsync(tenant, existing.Id, new BudgetDefinition { Name = "dup\u2066" }));
        rename.Field.ShouldBe("name");
        rename.Message.ShouldStartWith("name contains U+2066 (a bidirectional control)");
    }

    [Fact]
    public async Task Budgets_are_tenant_scoped_for_every_operation()
    {
        var tenantA = CostingTestDatabase.NewTenant();
        var tenantB = CostingTestDatabase.NewTenant();
        await using var services = _database.BuildServices();
        var budgets = services.CreateScope().ServiceProvider.GetRequiredService<BudgetService>();
        var a = await budgets.CreateAsync(tenantA, new BudgetDefinition { Name = "a", Scope = "tenant", Period = "month", LimitUsd = 5 });
        (await budgets.GetAsync(tenantB, a.Id)).ShouldBeNull();
        (await budgets.UpdateAsync(tenantB, a.Id, new BudgetDefinition { LimitUsd = 500 })).ShouldBeNull();
        (await budgets.DeleteAsync(tenantB, a.Id)).ShouldBeFalse();
        (await budgets.ListAsync(tenantB)).ShouldBeEmpty();
        var changed = await budgets.UpdateAsync(tenantA, a.Id, new BudgetDefinition { LimitUsd = 7, Thresholds = [90] });
        changed!.LimitUsd.ShouldBe(7m);
        changed.Thresholds.ShouldBe([90]);
        changed.Period.ShouldBe("month");
        (await budgets.DeleteAsync(tenantA, a.Id)).ShouldBeTrue();
    }

    private static string Prompt() => new('x', 400);

    private static ChatOptions Options() => new() { MaxOutputTokens = 100 };

    private static FakeChatClient Inner(int output) => new()
    {
        Provider = "testai", Model = "exact-1", Usage = (_, _) => new UsageDetails { InputTokenCount = 100, OutputTokenCount = output },
    };

    private static async Task<BudgetView> CreateAsync(IServiceProvider services, string tenant, BudgetDefinition definition)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BudgetService>().CreateAsync(tenant, definition);
    }
}

public sealed class BudgetSqliteTests(SqliteCostingDatabase database) : BudgetTests<SqliteCostingDatabase>(database);

public sealed class BudgetPostgresTests(PostgresCostingDatabase database) : BudgetTests<PostgresCostingDatabase>(database);
