using Foundation.Audit.Storage;
using Foundation.Auth.Storage;
using Foundation.Auth.Totp.Storage;
using Foundation.Costing.Storage;
using Foundation.Storage.Storage;
using Foundation.FeatureFlags.Storage;
using Foundation.Data;
using Foundation.Hosting.Tests.Infrastructure;
using Foundation.Llm.Routing.Storage;
using Foundation.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Hosting.Tests.Data;

/// <summary>
/// Hosting migrates every store a package registered as <see cref="IStoreMigrator"/>, without naming the packages; with
/// <c>MigrateOnStartup</c> off, the same migrators are what a deployment step runs.
/// </summary>
public sealed class StoreMigrationTests : IAsyncLifetime
{
    private static readonly string[] Stores = ["audit", "auth", "auth.totp", "costing", "storage", "feature-flags", "llm.provider-keys"];

    private readonly PostgresTestEngine _postgres = new("fnd_store_migration");

    private string PostgresConnectionString => _postgres.ConnectionString;

    public Task InitializeAsync() => _postgres.CreateAsync();

    public Task DisposeAsync() => _postgres.DropAsync();

    [Fact]
    public async Task At_start_every_registered_store_is_migrated_and_sqlite_is_in_wal_mode()
    {
        using var factory = new SampleAppFactory();
        var services = factory.Services;

        services.GetServices<IStoreMigrator>().Select(m => m.Name).ShouldBe(Stores);
        (await PendingMigrationsAsync(services)).ShouldBeEmpty();
        await using var scope = services.CreateAsyncScope();
        var journalMode = await scope.ServiceProvider.GetRequiredService<AuthDbContext>().Database
            .SqlQueryRaw<string>("SELECT journal_mode AS \"Value\" FROM pragma_journal_mode()").SingleAsync();
        journalMode.ShouldBe("wal");
    }

    [Fact]
    public async Task At_start_every_registered_store_is_migrated_on_postgres()
    {
        using var factory = new SampleAppFactory(new Dictionary<string, string?>
        {
            ["Foundation:Database:Provider"] = "PostgreSql",
            ["Foundation:Database:ConnectionString"] = PostgresConnectionString,
        });

        (await PendingMigrationsAsync(factory.Services)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("PostgreSql")]
    public async Task With_migrate_on_startup_off_nothing_is_migrated_and_the_registered_migrators_are_the_deployment_step(string provider)
    {
        var settings = new Dictionary<string, string?> { ["Foundation:Database:MigrateOnStartup"] = "false" };
        if (provider == "PostgreSql")
        {
            settings["Foundation:Database:Provider"] = "PostgreSql";
            settings["Foundation:Database:ConnectionString"] = PostgresConnectionString;
        }

        using var factory = new SampleAppFactory(settings);
        var services = factory.Services;
        (await PendingMigrationsAsync(services)).Select(p => p.Store).Distinct().ShouldBe(Stores, ignoreOrder: true);

        foreach (var migrator in services.GetServices<IStoreMigrator>())
        {
            await migrator.MigrateAsync();
        }

        (await PendingMigrationsAsync(services)).ShouldBeEmpty();
    }

    /// <summary>The migrations of each store's context not yet applied, by store.</summary>
    private static async Task<List<(string Store, string Migration)>> PendingMigrationsAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var contexts = new (string Store, DbContext Context)[]
        {
            ("audit", scope.ServiceProvider.GetRequiredService<AuditDbContext>()),
            ("auth", scope.ServiceProvider.GetRequiredService<AuthDbContext>()),
            ("auth.totp", scope.ServiceProvider.GetRequiredService<TotpDbContext>()),
            ("costing", scope.ServiceProvider.GetRequiredService<CostingDbContext>()),
            ("storage", scope.ServiceProvider.GetRequiredService<StorageDbContext>()),
            ("feature-flags", scope.ServiceProvider.GetRequiredService<FeatureFlagsDbContext>()),
            ("llm.provider-keys", scope.ServiceProvider.GetRequiredService<LlmDbContext>()),
        };
        var pending = new List<(string, string)>();
        foreach (var (store, context) in contexts)
        {
            context.Database.GetMigrations().ShouldNotBeEmpty();
            pending.AddRange((await context.Database.GetPendingMigrationsAsync()).Select(m => (store, m)));
        }

        return pending;
    }
}
