using Foundation.Costing.Budgets;
using Foundation.Costing.Metering;
using Foundation.Costing.Storage;
using Foundation.Costing.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Costing.Tests.Budgets;

/// <summary>
/// Budget leases (decision 0012): calls are admitted against slices of headroom in memory, spend is written in batches, slices are returned at
/// shutdown and reclaimed from a crashed instance after they expire; recorded spend + reservations + slices never exceed the limit.
/// Every call costs exactly its worst case (100 input tokens at $1/M + 100 output tokens at $2/M = 300 micro-dollars).
/// </summary>
public abstract class BudgetLeaseTests<TDatabase> : IClassFixture<TDatabase>
    where TDatabase : CostingTestDatabase, new()
{
    private const long Call = 300_000; // nano-dollars
    private static readonly string Prompt = new('x', 400);

    private static readonly Dictionary<string, string?> Prices = new()
    {
        ["Foundation:Costing:Prices:testai:exact-1:InputPerMillion"] = "1",
        ["Foundation:Costing:Prices:testai:exact-1:OutputPerMillion"] = "2",
    };

    // The slice arithmetic below is asserted exactly, so these tests take every slice on the calls' path; refills in the background have
    // their own test, and the concurrent tests run with them on (the default).
    private static readonly Dictionary<string, string?> PricesWithoutRefills = new(Prices)
    {
        ["Foundation:Costing:Budgets:Leases:RefillBelowPercent"] = "0",
    };

    private readonly TDatabase _database;

    protected BudgetLeaseTests(TDatabase database) => _database = database;

    [Fact]
    public async Task Calls_are_admitted_against_a_slice_in_memory_and_their_spend_is_written_in_one_batch()
    {
        var time = TestClock.Create();
        var tenant = CostingTestDatabase.NewTenant();
        await using var services = _database.BuildServices(time, new TestCaller { TenantId = tenant, UserId = "u" }, settings: Prices);
        var budget = await CreateAsync(services, tenant, Call * 1000);
        var inner = Inner();
        var client = services.GetRequiredService<CostingChatClientFactory>().Create(inner);

        for (var i = 0; i < 10; i++)
        {
            await client.GetResponseAsync([new ChatMessage(ChatRole.User, Prompt)], Options());
        }

        // One slice: 1/8 of the headroom in whole calls (125), taken in one conditional UPDATE; nothing written per call.
        var (usage, leases, reservations) = await StateAsync(budget);
        usage.SpentCostNanos.ShouldBe(0, "the spend is in memory until the next flush");
        usage.LeasedCostNanos.ShouldBe(125 * Call);
        leases.ShouldHaveSingleItem().CostNanos.ShouldBe(125 * Call);
        leases[0].Holder.ShouldBe(services.GetRequiredService<BudgetEnforcer>().Leases.Holder);
        leases[0].ExpiresAt.ShouldBe(time.GetUtcNow().AddSeconds(60));
        reservations.ShouldBe(0);

        time.Advance(TimeSpan.FromSeconds(1));
        (await services.GetRequiredService<BudgetEnforcer>().Leases.FlushAllAsync(returnAll: false, CancellationToken.None)).ShouldBe(0);

        (usage, leases, _) = await StateAsync(budget);
        usage.SpentCostNanos.ShouldBe(10 * Call);
        usage.LeasedCostNanos.ShouldBe(115 * Call, "the spent part of the slice became spend");
        leases.ShouldHaveSingleItem().CostNanos.ShouldBe(115 * Call);
        leases[0].ExpiresAt.ShouldBe(time.GetUtcNow().AddSeconds(60), "the flush renewed the lease");
        inner.Calls.ShouldBe(10);
    }

    [Fact]
    public async Task A_graceful_shutdown_writes_the_spend_and_returns_every_slice()
    {
        var time = TestClock.Create();
        var tenant = CostingTestDatabase.NewTenant();
        await using var services = _database.BuildServices(time, new TestCaller { TenantId = tenant, UserId = "u" }, settings: Prices);
        var budget = await CreateAsync(services, tenant, Call * 1000);
        await CostingTestDatabase.StartAsync(services);
        var client = services.GetRequiredService<CostingChatClientFactory>().Create(Inner());
        for (var i = 0; i < 7; i++)
        {
            await client.GetResponseAsync([new ChatMessage(ChatRole.User, Prompt)], Options());
        }

        (await StateAsync(budget)).Usage.LeasedCostNanos.ShouldBeGreaterThan(0);

        await CostingTestDatabase.StopAsync(services);

        var (usage, leases, _) = await StateAsync(budget);
        usage.SpentCostNanos.ShouldBe(7 * Call);
        usage.LeasedCostNanos.ShouldBe(0);
        usage.LeasedTokens.ShouldBe(0);
        leases.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_instance_that_crashes_holding_slices_blocks_only_their_headroom_until_they_expire_and_another_instance_reclaims_them()
    {
        var time = TestClock.Create();
        var tenant = CostingTestDatabase.NewTenant();
        var caller = new TestCaller { TenantId = tenant, UserId = "u" };
        var inner = Inner();
        var crashed = _database.BuildServices(time, caller, settings: PricesWithoutRefills);
        var budget = await CreateAsync(crashed, tenant, Call * 40);
        var a = crashed.GetRequiredService<CostingChatClientFactory>().Create(inner);
        for (var i = 0; i < 10; i++)
        {
            await a.GetResponseAsync([new ChatMessage(ChatRole.User, Prompt)], Options());
        }

        // Slices of 5, 4 and 3 calls (1/8 of 40, 35, 31); each top-up wrote the spend before it, so 9 calls are recorded and the last
        // one is in memory, on a slice of 3 with 2 free. Then instance A "crashes": never stopped, its leases never returned.
        var (usage, leases, _) = await StateAsync(budget);
        usage.SpentCostNanos.ShouldBe(9 * Call);
        usage.LeasedCostNanos.ShouldBe(3 * Call);
        leases.ShouldHaveSingleItem().CostNanos.ShouldBe(3 * Call);
        var crashedHolder = leases[0].Holder;

        await using var services = _database.BuildServices(time, caller, settings: PricesWithoutRefills);
        var b = services.GetRequiredService<CostingChatClientFactory>().Create(inner);
        var admitted = await CallUntilRefusedAsync(b);
        admitted.ShouldBe(28, "40 - 9 spent - 3 held by the crashed instance");
        (await StateAsync(budget)).Usage.SpentCostNanos.ShouldBe(37 * Call, "per-call metering near the limit writes through");

        var enforcer = services.GetRequiredService<BudgetEnforcer>();
        (await enforcer.ReclaimExpiredLeasesAsync()).ShouldBe(0, "not expired yet");
        time.Advance(TimeSpan.FromSeconds(61));
        (await enforcer.ReclaimExpiredLeasesAsync()).ShouldBe(1);
        (usage, leases, _) = await StateAsync(budget);
        leases.ShouldBeEmpty();
        usage.LeasedCostNanos.ShouldBe(0);

        (await CallUntilRefusedAsync(b)).ShouldBe(3, "the reclaimed slice, spent call included: what a crash costs is its unwritten spend");
        (usage, leases, var reservations) = await StateAsync(budget);
        usage.SpentCostNanos.ShouldBe(40 * Call, "recorded spend reaches the limit and never passes it");
        usage.ReservedCostNanos.ShouldBe(0);
        reservations.ShouldBe(0);
        inner.Calls.ShouldBe(41, "the crashed instance's one unwritten call is the overrun a crash can cost");
        crashedHolder.ShouldNotBe(enforcer.Leases.Holder);
        await crashed.DisposeAsync();
    }

    [Fact]
    public async Task A_slice_running_low_is_refilled_in_the_background_before_a_call_finds_it_empty()
    {
        var time = TestClock.Create();
        var tenant = CostingTestDatabase.NewTenant();
        await using var services = _database.BuildServices(time, new TestCaller { TenantId = tenant, UserId = "u" }, settings: Prices);
        var budget = await CreateAsync(services, tenant, Call * 1000);
        var inner = Inner();
        var client = services.GetRequiredService<CostingChatClientFactory>().Create(inner);
        var leases = services.GetRequiredService<BudgetEnforcer>().Leases;

        // A slice of 125 calls (1/8 of 1,000). After 93 calls 32 are free (25.6%): no refill yet.
        for (var i = 0; i < 93; i++)
        {
            await client.GetResponseAsync([new ChatMessage(ChatRole.User, Prompt)], Options());
        }

        await leases.WhenRefillsDoneAsync();
        var (usage, rows, _) = await StateAsync(budget);
        usage.LeasedCostNanos.ShouldBe(125 * Call);
        usage.SpentCostNanos.ShouldBe(0);

        // The 94th leaves 31 free (24.8%, below the default 25%): the call is admitted from memory and the next slice is taken in the
        // background, after writing the spend: 1,000 - 125 spent or leased = 875 calls of headroom, 1/8 of it = 109 calls.
        await client.GetResponseAsync([new ChatMessage(ChatRole.User, Prompt)], Options());
        await leases.WhenRefillsDoneAsync();
        (await leases.FlushAllAsync(returnAll: false, CancellationToken.None)).ShouldBe(0);
        (usage, rows, _) = await StateAsync(budget);
        usage.SpentCostNanos.ShouldBe(94 * Call);
        usage.LeasedCostNanos.ShouldBe((31 + 109) * Call);
        rows.ShouldHaveSingleItem().CostNanos.ShouldBe((31 + 109) * Call, "the same lease row grew");

        // The calls go on from memory; everything adds up and nothing passes the limit.
        for (var i = 0; i < 100; i++)
        {
            await client.GetResponseAsync([new ChatMessage(ChatRole.User, Prompt)], Options());
        }

        await leases.WhenRefillsDoneAsync();
        (await leases.FlushAllAsync(returnAll: true, CancellationToken.None)).ShouldBe(0);
        (usage, rows, _) = await StateAsync(budget);
        usage.SpentCostNanos.ShouldBe(194 * Call);
        usage.LeasedCostNanos.ShouldBe(0);
        rows.ShouldBeEmpty();
        inner.Calls.ShouldBe(194);
    }

    [Fact]
    public async Task Two_instances_on_slices_400_concurrent_calls_admit_exactly_the_limit_and_return_everything_at_shutdown()
    {
        var tenant = CostingTestDatabase.NewTenant();
        var caller = new TestCaller { TenantId = tenant, UserId = "u-1" };
        await using var hostA = _database.BuildServices(caller: caller, settings: Prices);
        await using var hostB = _database.BuildServices(caller: caller, settings: Prices);
        var budget = await CreateAsync(hostA, tenant, Call * 150); // each instance gets more calls than the budget affords
        var inner = Inner();
        var clients = new[] { hostA, hostB }.Select(h => h.GetRequiredService<CostingChatClientFactory>().Create(inner)).ToArray();

        var successes = 0;
        await Task.WhenAll(Enumerable.Range(0, 400).Select(i => Task.Run(async () =>
        {
            try
            {
                await clients[i % 2].GetResponseAsync([new ChatMessage(ChatRole.User, Prompt)], Options());
                Interlocked.Increment(ref successes);
            }
            catch (BudgetExceededException)
            {
            }
        })));

        successes.ShouldBe(150);
        inner.Calls.ShouldBe(150);
        var (usage, _, _) = await StateAsync(budget);
        (usage.SpentCostNanos + usage.ReservedCostNanos + usage.LeasedCostNanos).ShouldBeLessThanOrEqualTo(Call * 150);
        foreach (var host in new[] { hostA, hostB })
        {
            await host.GetRequiredService<BudgetEnforcer>().Leases.FlushAllAsync(returnAll: true, CancellationToken.None);
        }

        var (final, leases, reservations) = await StateAsync(budget);
        final.SpentCostNanos.ShouldBe(Call * 150);
        final.LeasedCostNanos.ShouldBe(0);
        final.ReservedCostNanos.ShouldBe(0);
        leases.ShouldBeEmpty();
        reservations.ShouldBe(0);
    }

    [Fact]
    public async Task A_budget_change_applies_at_once_on_its_instance_and_within_the_cache_age_on_another()
    {
        var time = TestClock.Create();
        var tenant = CostingTestDatabase.NewTenant();
        var caller = new TestCaller { TenantId = tenant, UserId = "u" };
        await using var hostA = _database.BuildServices(time, caller, settings: Prices);
        await using var hostB = _database.BuildServices(time, caller, settings: Prices);
        var inner = Inner();
        var a = hostA.GetRequiredService<CostingChatClientFactory>().Create(inner);
        var b = hostB.GetRequiredService<CostingChatClientFactory>().Create(inner);
        await a.GetResponseAsync([new ChatMessage(ChatRole.User, Prompt)], Options()); // both instances cache "no budgets"
        await b.GetResponseAsync([new ChatMessage(ChatRole.User, Prompt)], Options());

        await CreateAsync(hostA, tenant, 0); // a hard limit of $0: refuses every priced call

        await Should.ThrowAsync<BudgetExceededException>(() => a.GetResponseAsync([new ChatMessage(ChatRole.User, Prompt)], Options()));
        await b.GetResponseAsync([new ChatMessage(ChatRole.User, Prompt)], Options()); // B has not seen it yet
        time.Advance(TimeSpan.FromSeconds(5));
        await Should.ThrowAsync<BudgetExceededException>(() => b.GetResponseAsync([new ChatMessage(ChatRole.User, Prompt)], Options()));
        inner.Calls.ShouldBe(3);
    }

    private static ChatOptions Options() => new() { MaxOutputTokens = 100 };

    private static FakeChatClient Inner() => new()
    {
        Provider = "testai", Model = "exact-1", Usage = (_, _) => new UsageDetails { InputTokenCount = 100, OutputTokenCount = 100 },
    };

    private static async Task<int> CallUntilRefusedAsync(CostingChatClient client)
    {
        for (var admitted = 0; admitted < 10_000; admitted++)
        {
            try
            {
                await client.GetResponseAsync([new ChatMessage(ChatRole.User, Prompt)], Options());
            }
            catch (BudgetExceededException)
            {
                return admitted;
            }
        }

        throw new InvalidOperationException("never refused");
    }

    private static async Task<Guid> CreateAsync(IServiceProvider services, string tenant, long limitNanos)
    {
        await using var scope = services.CreateAsyncScope();
        var view = await scope.ServiceProvider.GetRequiredService<BudgetService>().CreateAsync(tenant, new BudgetDefinition
        {
            Name = "cap", Scope = "tenant", Period = "month", LimitUsd = limitNanos / 1_000_000_000m,
        });
        return view.Id;
    }

    private async Task<(BudgetUsageEntity Usage, List<BudgetLeaseEntity> Leases, int Reservations)> StateAsync(Guid budgetId)
    {
        await using var db = _database.CreateContext();
        var usage = await db.BudgetUsage.AsNoTracking().SingleAsync(u => u.BudgetId == budgetId);
        var leases = await db.BudgetLeases.AsNoTracking().Where(l => l.BudgetId == budgetId).ToListAsync();
        var reservations = await db.Reservations.CountAsync(r => r.BudgetId == budgetId);
        return (usage, leases, reservations);
    }
}

public sealed class BudgetLeaseSqliteTests(SqliteCostingDatabase database) : BudgetLeaseTests<SqliteCostingDatabase>(database);

public sealed class BudgetLeasePostgresTests(PostgresCostingDatabase database) : BudgetLeaseTests<PostgresCostingDatabase>(database);
