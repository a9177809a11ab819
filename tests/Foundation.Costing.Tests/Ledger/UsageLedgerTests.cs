using System.Data.Common;
using Foundation.Costing.Diagnostics;
using Foundation.Costing.Ledger;
using Foundation.Costing.Metering;
using Foundation.Costing.Pricing;
using Foundation.Costing.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Costing.Tests.Ledger;

public abstract class UsageLedgerTests<TDatabase> : IClassFixture<TDatabase>
    where TDatabase : CostingTestDatabase, new()
{
    private readonly TDatabase _database;

    protected UsageLedgerTests(TDatabase database) => _database = database;

    [Fact]
    public async Task Metered_calls_land_in_the_ledger_with_every_field_and_nothing_is_dropped()
    {
        var tenant = CostingTestDatabase.NewTenant();
        var caller = new TestCaller { TenantId = tenant, UserId = "u-7", ApiKeyId = "key-7", TeamId = "team-7", Roles = ["admin", "member"], RequestId = "req-7" };
        await using var services = _database.BuildServices(caller: caller);
        await CostingTestDatabase.StartAsync(services);
        var inner = new FakeChatClient
        {
            Provider = "anthropic", Model = "claude-3-5-haiku-20241022",
            Usage = (_, _) => new UsageDetails { InputTokenCount = 2_095, OutputTokenCount = 503 },
            ResponseProperties = new AdditionalPropertiesDictionary { ["foundation.deployment"] = "haiku-eu" },
        };
        var client = services.GetRequiredService<CostingChatClientFactory>().Create(inner);
        for (var i = 0; i < 25; i++)
        {
            await client.GetResponseAsync("hello");
        }

        var writer = services.GetRequiredService<UsageLedgerWriter>();
        await writer.FlushAsync();
        await CostingTestDatabase.StopAsync(services);

        writer.Dropped.ShouldBe(0);
        services.GetRequiredService<CostingTelemetry>().DroppedRecords.ShouldBe(0);
        await using var db = _database.CreateContext();
        var rows = await db.Ledger.AsNoTracking().Where(e => e.TenantId == tenant).ToListAsync();
        rows.Count.ShouldBe(25);
        var r = rows[0];
        r.UserId.ShouldBe("u-7");
        r.ApiKeyId.ShouldBe("key-7");
        r.TeamId.ShouldBe("team-7");
        r.Roles.ShouldBe("admin member");
        r.RequestId.ShouldBe("req-7");
        r.Provider.ShouldBe("anthropic");
        r.Model.ShouldBe("claude-3-5-haiku-20241022");
        r.Deployment.ShouldBe("haiku-eu");
        r.TotalTokens.ShouldBe(2_598);
        r.CostNanos.ShouldBe(3_688_000); // $0.003688
        r.HourBucket.ShouldBe(r.OccurredAt.ToUnixTimeSeconds() / 3600);
    }

    [Fact]
    public async Task Graceful_shutdown_flushes_everything_buffered()
    {
        var tenant = CostingTestDatabase.NewTenant();
        await using var services = _database.BuildServices(configure: o => o.Ledger.BatchSize = 200);
        var writer = services.GetRequiredService<UsageLedgerWriter>();
        await CostingTestDatabase.StartAsync(services);
        for (var i = 0; i < 5_000; i++)
        {
            writer.TryRecord(Record(tenant)).ShouldBeTrue();
        }

        await CostingTestDatabase.StopAsync(services); // no FlushAsync: stopping must drain the buffer

        writer.Dropped.ShouldBe(0);
        writer.Written.ShouldBe(5_000);
        await using var db = _database.CreateContext();
        (await db.Ledger.CountAsync(e => e.TenantId == tenant)).ShouldBe(5_000);
    }

    [Fact]
    public async Task While_the_database_is_down_records_are_kept_and_retried_and_none_is_dropped()
    {
        var tenant = CostingTestDatabase.NewTenant();
        var outage = new OutageInterceptor { Down = true };
        await using var services = _database.BuildServices(configureDb: o => o.AddInterceptors(outage), configure: o => o.Ledger.MaxRetryDelaySeconds = 1);
        var writer = services.GetRequiredService<UsageLedgerWriter>();
        await CostingTestDatabase.StartAsync(services);
        for (var i = 0; i < 300; i++)
        {
            writer.TryRecord(Record(tenant)).ShouldBeTrue();
        }

        // Wait until the writer has failed a few times, then bring the database back.
        var waited = 0;
        while (outage.Failures < 3 && waited++ < 200)
        {
            await Task.Delay(25);
        }

        outage.Failures.ShouldBeGreaterThanOrEqualTo(3);
        writer.Written.ShouldBe(0);
        for (var i = 0; i < 200; i++)
        {
            writer.TryRecord(Record(tenant)).ShouldBeTrue("new records keep queueing while the database is down");
        }

        outage.Down = false;
        await writer.FlushAsync();
        await CostingTestDatabase.StopAsync(services);

        writer.Dropped.ShouldBe(0);
        services.GetRequiredService<CostingTelemetry>().DroppedRecords.ShouldBe(0);
        await using var db = _database.CreateContext();
        (await db.Ledger.CountAsync(e => e.TenantId == tenant)).ShouldBe(500);
    }

    [Fact]
    public async Task Beyond_the_bounded_buffer_records_are_dropped_and_counted()
    {
        var tenant = CostingTestDatabase.NewTenant();
        var outage = new OutageInterceptor { Down = true };
        await using var services = _database.BuildServices(configureDb: o => o.AddInterceptors(outage), configure: o =>
        {
            o.Ledger.Capacity = 10;
            o.Ledger.BatchSize = 5;
            o.Ledger.MaxRetryDelaySeconds = 1;
        });
        var writer = services.GetRequiredService<UsageLedgerWriter>();
        using var dropped = new Metering.MeterCapture("foundation.costing.ledger.dropped", services.GetRequiredService<CostingTelemetry>().Meter);
        await CostingTestDatabase.StartAsync(services);
        writer.TryRecord(Record(tenant));
        for (var i = 0; (outage.Failures < 1 || writer.Pending > 0) && i < 500; i++)
        {
            await Task.Delay(10);
        }

        // One batch of 1 is in the writer's hands; 10 more fill the buffer; the rest must be refused.
        var accepted = 0;
        for (var i = 0; i < 30; i++)
        {
            accepted += writer.TryRecord(Record(tenant)) ? 1 : 0;
        }

        accepted.ShouldBe(10);
        writer.Dropped.ShouldBe(20);
        dropped.Total.ShouldBe(20);
        outage.Down = false;
        await writer.FlushAsync();
        await CostingTestDatabase.StopAsync(services);
        await using var db = _database.CreateContext();
        (await db.Ledger.CountAsync(e => e.TenantId == tenant)).ShouldBe(11);
    }

    internal static UsageRecord Record(string tenant) => new()
    {
        Id = Guid.CreateVersion7(),
        OccurredAt = DateTimeOffset.UtcNow,
        TenantId = tenant,
        UserId = "u-1",
        Provider = "openai",
        Model = "gpt-4o-mini",
        Usage = new TokenUsage(100, 0, 0, 0, 50, 0),
        Cost = 0.000045m,
        Latency = TimeSpan.FromMilliseconds(120),
        Status = UsageStatus.Success,
    };

    /// <summary>Refuses every connection while <see cref="Down"/> is set, as an unreachable database would.</summary>
    private sealed class OutageInterceptor : DbConnectionInterceptor
    {
        private int _failures;

        public volatile bool Down;

        public int Failures => Volatile.Read(ref _failures);

        public override ValueTask<InterceptionResult> ConnectionOpeningAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
        {
            Check();
            return base.ConnectionOpeningAsync(connection, eventData, result, cancellationToken);
        }

        public override InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
        {
            Check();
            return base.ConnectionOpening(connection, eventData, result);
        }

        private void Check()
        {
            if (Down)
            {
                Interlocked.Increment(ref _failures);
                throw new InvalidOperationException("Simulated outage: the database is unreachable.");
            }
        }
    }
}

public sealed class UsageLedgerSqliteTests(SqliteCostingDatabase database) : UsageLedgerTests<SqliteCostingDatabase>(database);

public sealed class UsageLedgerPostgresTests(PostgresCostingDatabase database) : UsageLedgerTests<PostgresCostingDatabase>(database);
