using BenchmarkDotNet.Attributes;
using Foundation.Costing.Budgets;
using Foundation.Costing.Ledger;
using Foundation.Costing.Metering;
using Foundation.Costing.Pricing;
using Foundation.Costing.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Foundation.Benchmarks.Costing;

/// <summary>
/// The database side of Foundation.Costing on a real engine: a budget reservation and its settlement (two transactions: the conditional
/// UPDATE + reservation row, then spend/release + delete) against one tenant budget, and ledger ingest of a 1,000-record batch (the
/// background writer's unit of work; records/s = 1,000 / mean). PostgreSQL needs <c>FOUNDATION_TEST_POSTGRES</c>.
/// </summary>
[MemoryDiagnoser]
public class CostingStoreBenchmarks
{
    private const int Batch = 1_000;
    private ServiceProvider _services = null!;
    private BudgetEnforcer _enforcer = null!;
    private BudgetDemand _demand = null!;
    private UsageRecord[] _records = null!;
    private string _sqlitePath = "";
    private string _pgAdmin = "";
    private string _pgName = "";

    [Params("sqlite", "postgresql")]
    public string Provider { get; set; } = "sqlite";

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var builder = services.AddFoundationCosting(o =>
        {
            o.Budgets.ReservationTtlSeconds = 3600;
            o.Budgets.Leases.Enabled = false; // this benchmark measures the per-call database path; BudgetLeaseBenchmarks the lease
        });
        if (Provider == "sqlite")
        {
            _sqlitePath = Path.Combine(Path.GetTempPath(), $"foundation-costing-bench-{Guid.NewGuid():N}.db");
            using (var c = new SqliteConnection($"Data Source={_sqlitePath}"))
            {
                c.Open();
                using var cmd = c.CreateCommand();
                cmd.CommandText = "PRAGMA journal_mode=WAL;";
                cmd.ExecuteNonQuery();
            }

            builder.UseSqlite($"Data Source={_sqlitePath}");
        }
        else
        {
            _pgAdmin = Environment.GetEnvironmentVariable("FOUNDATION_TEST_POSTGRES") ?? throw new InvalidOperationException("Set FOUNDATION_TEST_POSTGRES for the PostgreSQL benchmarks.");
            _pgName = "foundation_costing_bench_" + Guid.NewGuid().ToString("N")[..8];
            using (var c = new NpgsqlConnection(_pgAdmin))
            {
                c.Open();
                using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{_pgName}\"", c);
                cmd.ExecuteNonQuery();
            }

            builder.UseNpgsql(new NpgsqlConnectionStringBuilder(_pgAdmin) { Database = _pgName }.ConnectionString);
        }

        _services = services.BuildServiceProvider();
        _services.GetRequiredService<CostingDatabaseMigrator>().MigrateAsync().GetAwaiter().GetResult();
        using (var scope = _services.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<BudgetService>().CreateAsync("bench", new BudgetDefinition
            {
                Name = "bench", Scope = "tenant", Period = "month", LimitUsd = 1_000_000m,
            }).GetAwaiter().GetResult();
        }

        _enforcer = _services.GetRequiredService<BudgetEnforcer>();
        _demand = new BudgetDemand("bench", "u-1", null, null, ["member"], 0.0003m, 200);
        _records = [.. Enumerable.Range(0, Batch).Select(i => new UsageRecord
        {
            Id = Guid.CreateVersion7(), OccurredAt = DateTimeOffset.UtcNow, TenantId = "bench", UserId = "u-" + (i % 50), ApiKeyId = "key-1",
            Provider = "openai", Model = "gpt-4o-mini", Usage = new TokenUsage(2_006, 1_920, 0, 0, 300, 0), Cost = 0.0003369m,
            Latency = TimeSpan.FromMilliseconds(420), Status = UsageStatus.Success, RequestId = "req-" + i,
        })];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        if (Provider == "sqlite")
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(_sqlitePath + suffix);
            }
        }
        else
        {
            NpgsqlConnection.ClearAllPools();
            using var c = new NpgsqlConnection(_pgAdmin);
            c.Open();
            using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_pgName}\" WITH (FORCE)", c);
            cmd.ExecuteNonQuery();
        }
    }

    [Benchmark]
    public async Task Reserve_and_settle()
    {
        var reservation = await _enforcer.ReserveAsync(_demand);
        await _enforcer.SettleAsync(reservation, 0.0002m, 150);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task Ledger_ingest_per_record()
    {
        for (var i = 0; i < _records.Length; i++)
        {
            _records[i] = _records[i] with { Id = Guid.CreateVersion7() };
        }

        await using var scope = _services.CreateAsyncScope();
        await UsageLedgerStore.InsertAsync(scope.ServiceProvider.GetRequiredService<CostingDbContext>(), _records, skipExisting: false, CancellationToken.None);
    }
}
