using BenchmarkDotNet.Attributes;
using Foundation.Costing.Budgets;
using Foundation.Costing.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Benchmarks.Costing;

/// <summary>
/// Reservation + settlement through a budget lease (decision 0012; target at most 1 µs and 0 B per call). <c>Lease_take_and_settle</c> is the
/// admission and settlement against a slice (what a call does under the lease's lock); <c>Enforcer_reserve_and_settle</c> is the whole
/// <see cref="BudgetEnforcer"/> path a metered call takes (cached definitions, the caller's applicable budgets, the period, the take, the
/// settlement) on a SQLite store, one hard tenant budget, with a slice top-up (one transaction, spend written) every
/// <c>MaxSliceCalls</c> (1,000) calls amortised in.
/// </summary>
[MemoryDiagnoser]
public class BudgetLeaseBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private BudgetLeaseAccount _account = null!;
    private ServiceProvider _services = null!;
    private BudgetEnforcer _enforcer = null!;
    private BudgetDemand _demand = null!;
    private string _path = "";

    [GlobalSetup]
    public void Setup()
    {
        _account = new BudgetLeaseAccount(new LeaseKey(Guid.CreateVersion7(), "", Now), new BudgetEntity { LimitCostNanos = long.MaxValue / 4, HardLimit = true },
            Now.AddDays(30), Now);
        _account.Grant(Guid.CreateVersion7(), lostPrevious: false, long.MaxValue / 4, long.MaxValue / 4, Now.AddYears(1));

        _path = Path.Combine(Path.GetTempPath(), $"foundation-lease-bench-{Guid.NewGuid():N}.db");
        using (var c = new SqliteConnection($"Data Source={_path}"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA journal_mode=WAL;";
            cmd.ExecuteNonQuery();
        }

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFoundationCosting(o => o.Budgets.Leases.TtlSeconds = 86_400).UseSqlite($"Data Source={_path}");
        _services = services.BuildServiceProvider();
        _services.GetRequiredService<CostingDatabaseMigrator>().MigrateAsync().GetAwaiter().GetResult();
        using (var scope = _services.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<BudgetService>().CreateAsync("bench", new BudgetDefinition
            {
                Name = "bench", Scope = "role", ScopeValue = "member", Period = "month", LimitUsd = 1_000_000_000m, HardLimit = true,
            }).GetAwaiter().GetResult();
        }

        _enforcer = _services.GetRequiredService<BudgetEnforcer>();
        _demand = new BudgetDemand("bench", "u-1", null, null, ["member"], 0.0003m, 200);
        _enforcer.SettleAsync(_enforcer.ReserveAsync(_demand).GetAwaiter().GetResult(), 0.0003m, 200).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }

    private const int RefillBelowPercent = 25;

    [Benchmark(Baseline = true)]
    public bool Lease_take_and_settle()
    {
        // As the gateway's calls take: with the background refill's threshold checked under the same lock.
        if (!_account.TryTake(300_000, 200, Now, Now, RefillBelowPercent, out var generation, out var refill) || refill)
        {
            return false;
        }

        return _account.Settle(new LeaseTake(_account, generation, 300_000, 200), 250_000, 180, Now);
    }

    [Benchmark]
    public async Task Enforcer_reserve_and_settle()
    {
        var reservation = await _enforcer.ReserveAsync(_demand).ConfigureAwait(false);
        await _enforcer.SettleAsync(reservation, 0.00025m, 180).ConfigureAwait(false);
    }
}
