using Foundation.Costing.Budgets;
using Foundation.Costing.Internal;
using Foundation.Costing.Metering;
using Foundation.Costing.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Costing.Tests.Budgets;

/// <summary>
/// THE test of issue 6: 200 concurrent calls against a budget that affords exactly 50, made through two app instances (two service
/// providers) on one database. The inner client's usage equals the reservation's worst case (100 input tokens = 400 characters / 4, and
/// max output tokens 100), so "affordable" is exact: exactly 50 calls succeed, 150 are refused before the provider is called, and spent equals
/// the limit. A second variant spends less than it reserves, so settlement releases room that later calls use, and spent still never
/// exceeds the limit.
/// </summary>
public abstract class BudgetConcurrencyTests<TDatabase> : IClassFixture<TDatabase>
    where TDatabase : CostingTestDatabase, new()
{
    private const int Calls = 200;
    private const int MaxOutput = 100;
    private static readonly string Prompt = new('x', 400); // 100 estimated input tokens

    // $1 per million input, $2 per million output: worst case = 100 x 1 + 100 x 2 = 300 micro-dollars.
    private static readonly decimal WorstCase = 0.0003m;

    private readonly TDatabase _database;

    protected BudgetConcurrencyTests(TDatabase database) => _database = database;

    [Fact]
    public async Task Two_instances_200_concurrent_calls_budget_for_50_exactly_50_succeed_and_spent_equals_limit()
    {
        var (successes, refusals, inner, spent, reserved, budget) = await RunAsync(actualOutputTokens: MaxOutput);

        successes.ShouldBe(50);
        refusals.ShouldBe(150);
        inner.ShouldBe(50, "a refused call never reaches the provider");
        spent.ShouldBe(Money.ToNanos(WorstCase * 50));
        spent.ShouldBeLessThanOrEqualTo(budget.LimitCostNanos!.Value);
        reserved.ShouldBe(0, "every reservation was settled");
    }

    [Fact]
    public async Task When_calls_cost_less_than_reserved_the_rest_is_released_and_spent_still_never_exceeds_the_limit()
    {
        // Actual = 100 x 1 + 50 x 2 = 200 micro-dollars against 300 reserved: at most 75 are affordable, at least 50 always are.
        var (successes, refusals, inner, spent, reserved, budget) = await RunAsync(actualOutputTokens: MaxOutput / 2);

        successes.ShouldBeGreaterThanOrEqualTo(50);
        successes.ShouldBeLessThanOrEqualTo(75);
        (successes + refusals).ShouldBe(Calls);
        inner.ShouldBe(successes);
        spent.ShouldBe(Money.ToNanos(0.0002m * successes), "each call settled its real cost");
        spent.ShouldBeLessThanOrEqualTo(budget.LimitCostNanos!.Value);
        reserved.ShouldBe(0, "the unused part of every reservation was released");
    }

    private async Task<(int Successes, int Refusals, int InnerCalls, long Spent, long Reserved, Costing.Storage.BudgetEntity Budget)> RunAsync(int actualOutputTokens)
    {
        var tenant = CostingTestDatabase.NewTenant();
        var caller = new TestCaller { TenantId = tenant, UserId = "u-1", Roles = ["member"] };
        var settings = new Dictionary<string, string?>
        {
            ["Foundation:Costing:Prices:testai:exact-1:InputPerMillion"] = "1",
            ["Foundation:Costing:Prices:testai:exact-1:OutputPerMillion"] = "2",
        };
        await using var hostA = _database.BuildServices(caller: caller, settings: settings);
        await using var hostB = _database.BuildServices(caller: caller, settings: settings);

        Guid budgetId;
        await using (var scope = hostA.CreateAsyncScope())
        {
            var view = await scope.ServiceProvider.GetRequiredService<BudgetService>().CreateAsync(tenant, new BudgetDefinition
            {
                Name = "team cap", Scope = "tenant", Period = "month", LimitUsd = WorstCase * 50,
            });
            budgetId = view.Id;
        }

        var inner = new FakeChatClient
        {
            Provider = "testai",
            Model = "exact-1",
            Usage = (_, _) => new UsageDetails { InputTokenCount = 100, OutputTokenCount = actualOutputTokens },
            Delay = TimeSpan.FromMilliseconds(5),
        };
        var clientA = hostA.GetRequiredService<CostingChatClientFactory>().Create(inner);
        var clientB = hostB.GetRequiredService<CostingChatClientFactory>().Create(inner);

        var successes = 0;
        var refusals = 0;
        using var start = new ManualResetEventSlim(false);
        var tasks = Enumerable.Range(0, Calls).Select(i => Task.Run(async () =>
        {
            start.Wait();
            try
            {
                await (i % 2 == 0 ? clientA : clientB).GetResponseAsync([new ChatMessage(ChatRole.User, Prompt)], new ChatOptions { MaxOutputTokens = MaxOutput });
                Interlocked.Increment(ref successes);
            }
            catch (BudgetExceededException ex)
            {
                ex.BudgetId.ShouldBe(budgetId);
                Interlocked.Increment(ref refusals);
            }
        })).ToList();
        start.Set();
        await Task.WhenAll(tasks);

        await using var db = _database.CreateContext();
        var budget = await db.Budgets.AsNoTracking().SingleAsync(b => b.Id == budgetId);
        var rows = await db.BudgetUsage.AsNoTracking().Where(u => u.BudgetId == budgetId).ToListAsync();
        rows.Count.ShouldBe(1, "one period row, created once by INSERT .. ON CONFLICT DO NOTHING despite 200 racers");
        (await db.Reservations.CountAsync(r => r.BudgetId == budgetId)).ShouldBe(0);
        return (successes, refusals, inner.Calls, rows[0].SpentCostNanos, rows[0].ReservedCostNanos, budget);
    }
}

public sealed class BudgetConcurrencySqliteTests(SqliteCostingDatabase database) : BudgetConcurrencyTests<SqliteCostingDatabase>(database);

public sealed class BudgetConcurrencyPostgresTests(PostgresCostingDatabase database) : BudgetConcurrencyTests<PostgresCostingDatabase>(database);
