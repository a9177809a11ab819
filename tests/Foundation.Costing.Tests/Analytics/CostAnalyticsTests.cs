using Foundation.Costing.Analytics;
using Foundation.Costing.Ledger;
using Foundation.Costing.Metering;
using Foundation.Costing.Pricing;
using Foundation.Costing.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Costing.Tests.Analytics;

public abstract class CostAnalyticsTests<TDatabase> : IClassFixture<TDatabase>
    where TDatabase : CostingTestDatabase, new()
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private readonly TDatabase _database;

    protected CostAnalyticsTests(TDatabase database) => _database = database;

    [Fact]
    public async Task Summary_series_breakdown_and_caller_totals_come_from_the_ledger()
    {
        var tenant = CostingTestDatabase.NewTenant();
        var other = CostingTestDatabase.NewTenant();
        var time = new FakeTimeProvider(Now);
        await using var services = _database.BuildServices(time);
        await using (var db = _database.CreateContext())
        {
            // 20 calls over two hours: latencies 10..200 ms; every 5th failed; alice and bob; two models; one unpriced.
            var records = new List<UsageRecord>();
            for (var i = 1; i <= 20; i++)
            {
                records.Add(new UsageRecord
                {
                    Id = Guid.CreateVersion7(), OccurredAt = Now.AddHours(-2).AddMinutes(i * 5), TenantId = tenant, UserId = i % 2 == 0 ? "alice" : "bob",
                    ApiKeyId = i <= 10 ? "key-1" : null, Provider = "openai", Model = i <= 15 ? "gpt-4o-mini" : "gpt-4.1",
                    Usage = new TokenUsage(100, 0, 0, 0, 10, 0), Cost = i == 20 ? null : 0.001m, Latency = TimeSpan.FromMilliseconds(i * 10),
                    Status = i % 5 == 0 ? UsageStatus.Error : UsageStatus.Success,
                });
            }

            records.Add(new UsageRecord { Id = Guid.CreateVersion7(), OccurredAt = Now.AddHours(-1), TenantId = other, UserId = "mallory", Provider = "openai", Model = "gpt-4o", Cost = 99m, Usage = new TokenUsage(1) });
            records.Add(new UsageRecord { Id = Guid.CreateVersion7(), OccurredAt = Now.AddDays(-40), TenantId = tenant, UserId = "alice", Provider = "openai", Model = "gpt-4o", Cost = 50m, Usage = new TokenUsage(1) });
            await UsageLedgerStore.InsertAsync(db, records, skipExisting: false, CancellationToken.None);
        }

        var analytics = services.CreateScope().ServiceProvider.GetRequiredService<CostAnalyticsService>();
        var summary = await analytics.GetSummaryAsync(new AnalyticsQuery { TenantId = tenant, Range = "24h" });
        summary.Requests.ShouldBe(20);
        summary.UniqueUsers.ShouldBe(2);
        summary.Errors.ShouldBe(4);
        summary.ErrorRate.ShouldBe(0.2, 1e-9);
        summary.AverageLatencyMs.ShouldBe(105, 1e-9);
        summary.P95LatencyMs.ShouldBe(190, 1e-9, "nearest rank: the 19th of 20");
        summary.TotalCostUsd.ShouldBe(0.019m);
        summary.UnpricedRequests.ShouldBe(1);
        summary.TotalTokens.ShouldBe(2_200);
        (await analytics.GetSummaryAsync(new AnalyticsQuery { TenantId = tenant, Range = "90d" })).TotalCostUsd.ShouldBe(50.019m);

        var byModel = await analytics.GetBreakdownAsync(new AnalyticsQuery { TenantId = tenant, Range = "7d" }, "model");
        byModel.Select(r => (r.Key, r.Requests)).ShouldBe([("gpt-4o-mini", 15L), ("gpt-4.1", 5L)]);
        byModel[1].UnpricedRequests.ShouldBe(1);
        var byKey = await analytics.GetBreakdownAsync(new AnalyticsQuery { TenantId = tenant, Range = "7d" }, "apikey");
        byKey.ShouldContain(r => r.Key == null && r.Requests == 10);
        var byTenant = await analytics.GetBreakdownAsync(new AnalyticsQuery { Range = "7d" }, "tenant");
        byTenant.ShouldContain(r => r.Key == other);

        var hourly = await analytics.GetTimeSeriesAsync(new AnalyticsQuery { TenantId = tenant, Range = "24h" }, "hour");
        hourly.Sum(p => p.Requests).ShouldBe(20);
        hourly.Select(p => p.BucketStart).ShouldBe([Now.AddHours(-2), Now.AddHours(-1)]); // 10:05-11:40
        var daily = await analytics.GetTimeSeriesAsync(new AnalyticsQuery { TenantId = tenant, Range = "7d", TimeZone = "Pacific/Auckland" }, "day", "user");
        daily.Select(p => p.Key).Distinct().Order().ShouldBe(["alice", "bob"]);
        // Auckland is UTC+13 in November: 10:05-10:55 UTC is late on 21 Nov there, 11:00-11:40 UTC is 22 Nov.
        daily.Select(p => p.BucketStart).Distinct().Order().ShouldBe([new DateTimeOffset(2026, 11, 20, 11, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 21, 11, 0, 0, TimeSpan.Zero)]);
        daily.Where(p => p.BucketStart.Day == 20).Sum(p => p.Requests).ShouldBe(11);
        daily.Where(p => p.BucketStart.Day == 21).Sum(p => p.Requests).ShouldBe(9);

        var me = await analytics.GetCallerUsageAsync(new TestCaller { TenantId = tenant, UserId = "alice" }, "24h");
        me.Requests.ShouldBe(10);
        me.TotalTokens.ShouldBe(1_100);
        me.CostUsd.ShouldBe(0.009m);
    }

    [Fact]
    public async Task Csv_export_streams_rfc_4180_and_defuses_formulas()
    {
        var tenant = CostingTestDatabase.NewTenant();
        await using var services = _database.BuildServices(new FakeTimeProvider(Now));
        await using (var db = _database.CreateContext())
        {
            await UsageLedgerStore.InsertAsync(db, [new UsageRecord
            {
                Id = Guid.CreateVersion7(), OccurredAt = Now.AddMinutes(-5), TenantId = tenant, UserId = "=HYPERLINK(\"http://evil\",\"x\")",
                Provider = "openai", Model = "gpt,4o\r\nmini", Cost = 0.0003369m, Usage = new TokenUsage(2006, 1920, 0, 0, 300, 0), Latency = TimeSpan.FromMilliseconds(12.5),
            }], skipExisting: false, CancellationToken.None);
        }

        var analytics = services.CreateScope().ServiceProvider.GetRequiredService<CostAnalyticsService>();
        using var writer = new StringWriter();
        (await analytics.ExportCsvAsync(new AnalyticsQuery { TenantId = tenant, Range = "24h" }, writer)).ShouldBe(1);
        var lines = writer.ToString().Split("\r\n");
        lines[0].ShouldStartWith("occurred_at,tenant_id,user_id,");
        lines[1].ShouldContain(",\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",");
        lines[1].ShouldContain(",\"gpt,4o");
        writer.ToString().ShouldContain("mini\",");
        writer.ToString().ShouldContain(",2006,1920,0,300,0,2306,0.0003369,12.5,,success,");
    }

    [Fact]
    public void Bad_queries_name_the_field()
    {
        using var services = _database.BuildServices(new FakeTimeProvider(Now));
        var analytics = services.CreateScope().ServiceProvider.GetRequiredService<CostAnalyticsService>();
        Should.Throw<CostingValidationException>(() => analytics.ResolveRange("2w")).Field.ShouldBe("range");
        Should.Throw<CostingValidationException>(() => analytics.ResolveRange("custom")).Field.ShouldBe("from");
        Should.Throw<CostingValidationException>(() => analytics.ResolveRange("custom", Now)).Field.ShouldBe("to");
        Should.Throw<CostingValidationException>(() => analytics.ResolveRange("custom", Now, Now.AddDays(-1))).Field.ShouldBe("to");
        Should.Throw<CostingValidationException>(() => analytics.ResolveRange("custom", Now.AddDays(-400), Now)).Field.ShouldBe("to");
        Should.Throw<CostingValidationException>(() => CostAnalyticsService.ParseDimension("country")).Field.ShouldBe("dimension");
        Should.Throw<CostingValidationException>(() => analytics.GetBreakdownAsync(new AnalyticsQuery(), "model", limit: 0)).Field.ShouldBe("limit");
        Should.Throw<CostingValidationException>(() => analytics.GetTimeSeriesAsync(new AnalyticsQuery(), "minute")).Field.ShouldBe("interval");
        Should.Throw<CostingValidationException>(() => analytics.GetTimeSeriesAsync(new AnalyticsQuery(), "day", "planet")).Field.ShouldBe("groupBy");
        Should.Throw<CostingValidationException>(() => analytics.GetTimeSeriesAsync(new AnalyticsQuery { TimeZone = "Mars/Olympus" }, "day")).Field.ShouldBe("timeZone");
        analytics.ResolveRange(null).Name.ShouldBe("30d");
        analytics.ResolveRange("custom", Now.AddDays(-3), Now).From.ShouldBe(Now.AddDays(-3));
    }
}

public sealed class CostAnalyticsSqliteTests(SqliteCostingDatabase database) : CostAnalyticsTests<SqliteCostingDatabase>(database);

public sealed class CostAnalyticsPostgresTests(PostgresCostingDatabase database) : CostAnalyticsTests<PostgresCostingDatabase>(database);
