using Foundation.Costing.Budgets;
using Foundation.Costing.Pricing;
using Foundation.Costing.Storage;
using Foundation.Pricing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Foundation.Costing.Tests.DependencyInjection;

public sealed class CostingRegistrationTests
{
    [Fact]
    public void Registers_the_price_provider_with_configured_overrides()
    {
        using var services = Build(new()
        {
            ["Foundation:Costing:Prices:acme:house-1:InputPerMillion"] = "0.5",
            ["Foundation:Costing:Prices:acme:house-1:OutputPerMillion"] = "1.5",
            ["Foundation:Costing:Prices:acme:house-1:CachedInputPerMillion"] = "0.05",
        });
        var prices = services.GetRequiredService<IModelPriceProvider>();
        prices.TryGetPrice("acme", "house-1", DateTimeOffset.UtcNow, out var price).ShouldBeTrue();
        price.ShouldBe(new ModelPrice(0.5m, 1.5m, 0.05m));
        prices.ShouldBeSameAs(services.GetRequiredService<CatalogModelPriceProvider>());
    }

    [Theory]
    [InlineData("Foundation:Costing:TimeZone", "Mars/Olympus", "Foundation:Costing:TimeZone is 'Mars/Olympus'")]
    [InlineData("Foundation:Costing:DefaultMaxOutputTokens", "0", "Foundation:Costing:DefaultMaxOutputTokens is 0")]
    [InlineData("Foundation:Costing:Ledger:Capacity", "-1", "Foundation:Costing:Ledger:Capacity is -1")]
    [InlineData("Foundation:Costing:Prices:openai:gpt-4o:InputPerMillion", "-2.5", "Foundation:Costing:Prices:openai:gpt-4o:InputPerMillion is -2.5")]
    [InlineData("Foundation:Costing:Prices:openai:gpt-4o:CachedInputPerMillion", "1", "Foundation:Costing:Prices:openai:gpt-4o:InputPerMillion is required")]
    public void Bad_options_fail_at_start_naming_the_key(string key, string value, string message)
    {
        using var services = Build(new() { [key] = value });
        Should.Throw<OptionsValidationException>(() => services.GetRequiredService<IOptions<CostingOptions>>().Value).Message.ShouldContain(message);
    }

    [Fact]
    public void Calendar_periods_follow_the_configured_time_zone()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var at = new DateTimeOffset(2026, 3, 29, 12, 0, 0, TimeSpan.Zero); // the day Berlin moves to summer time
        BudgetPeriods.Current(BudgetPeriod.Day, at, berlin).ShouldBe((new DateTimeOffset(2026, 3, 28, 23, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 29, 22, 0, 0, TimeSpan.Zero)));
        BudgetPeriods.Current(BudgetPeriod.Week, at, berlin).Start.ShouldBe(new DateTimeOffset(2026, 3, 22, 23, 0, 0, TimeSpan.Zero)); // Monday 23 March, local midnight
        BudgetPeriods.Current(BudgetPeriod.Month, at, berlin).ShouldBe((new DateTimeOffset(2026, 2, 28, 23, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 31, 22, 0, 0, TimeSpan.Zero)));
        BudgetPeriods.Current(BudgetPeriod.Month, at, TimeZoneInfo.Utc).Start.ShouldBe(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        BudgetPeriods.Current(BudgetPeriod.Rolling, at.AddMinutes(42), berlin).ShouldBe((at, at.AddHours(1)));
    }

    [Theory]
    [InlineData("", 30_000)]
    [InlineData(";Default Timeout=7", 7_000)]
    public async Task A_SQLite_store_waits_inside_SQLite_for_the_write_lock_as_long_as_the_connection_s_default_timeout(string keyword, long expected)
    {
        // Without a busy timeout Microsoft.Data.Sqlite answers SQLITE_BUSY by sleeping 150 ms and retrying: the budgets-on gateway's p99.
        var path = Path.Combine(Path.GetTempPath(), $"foundation-costing-busy-{Guid.NewGuid():N}.db");
        try
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddFoundationCosting().UseSqlite($"Data Source={path}{keyword}");
            await using var provider = services.BuildServiceProvider();
            await using var scope = provider.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CostingDbContext>();
            await db.Database.OpenConnectionAsync();
            var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA busy_timeout";
            (await command.ExecuteScalarAsync()).ShouldBe(expected);
            await db.Database.CloseConnectionAsync();
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFoundationCosting(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services.BuildServiceProvider();
    }
}
