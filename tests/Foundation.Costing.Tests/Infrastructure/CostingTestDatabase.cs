using Foundation.Auditing;
using Foundation.Callers;
using Foundation.Costing.Budgets;
using Foundation.Costing.Storage;
using Foundation.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Costing.Tests.Infrastructure;

/// <summary>
/// One real database per test class: a temporary SQLite file (WAL mode, as Hosting runs it) or a fresh PostgreSQL database on the server of
/// <c>FOUNDATION_TEST_POSTGRES</c>. Migrated with the Costing migrations, dropped afterwards. The same approach as Foundation.Auth's tests.
/// </summary>
public abstract class CostingTestDatabase(TestDatabaseEngine engine) : StoreTestDatabase<CostingDbContext>(engine)
{
    /// <summary>The services of Foundation.Costing over this database (one "app instance").</summary>
    public ServiceProvider BuildServices(TimeProvider? time = null, ICurrentCaller? caller = null, IAuditEventWriter? audit = null,
        IBudgetEventHandler? handler = null, Action<CostingOptions>? configure = null, IDictionary<string, string?>? settings = null,
        Action<DbContextOptionsBuilder>? configureDb = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(time ?? TimeProvider.System);
        services.AddSingleton(caller ?? new TestCaller());
        services.AddSingleton(audit ?? new RecordingAuditEventWriter());
        if (handler is not null)
        {
            services.AddSingleton(handler);
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        services.AddFoundationCosting(configuration, configure).UseDbContext(o =>
        {
            Configure(o);
            configureDb?.Invoke(o);
        });
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }
}

public sealed class SqliteCostingDatabase() : CostingTestDatabase(new SqliteTestEngine("foundation-costing-test", "Default Timeout=60", wal: true));

public sealed class PostgresCostingDatabase() : CostingTestDatabase(new PostgresTestEngine("foundation_costing", maxPoolSize: 20));
