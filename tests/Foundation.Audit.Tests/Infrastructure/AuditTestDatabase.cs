using Foundation.Audit.Storage;
using Foundation.Testing;
using Foundation.Auditing;
using Foundation.Callers;
using Foundation.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Audit.Tests.Infrastructure;

/// <summary>
/// One real database per test class: a temporary SQLite file (WAL mode) or a fresh PostgreSQL database on the server of
/// <c>FOUNDATION_TEST_POSTGRES</c>, migrated with the Audit migrations and dropped afterwards (the pattern of Foundation.Costing's tests).
/// </summary>
public abstract class AuditTestDatabase(TestDatabaseEngine engine) : StoreTestDatabase<AuditDbContext>(engine)
{
    /// <summary>The services of Foundation.Audit over this database (one "app instance").</summary>
    public ServiceProvider BuildServices(Action<AuditOptions>? configure = null, IDictionary<string, string?>? settings = null, TimeProvider? time = null,
        ICurrentCaller? caller = null, bool protector = true, Action<DbContextOptionsBuilder>? configureDb = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(time ?? TimeProvider.System);
        services.AddSingleton(caller ?? new TestCaller());
        if (protector)
        {
            services.AddSingleton<ISecretProtector>(SharedProtector);
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        services.AddFoundationAudit(configuration, configure).UseDbContext(o =>
        {
            if (configureDb is null)
            {
                Configure(o);
            }
            else
            {
                configureDb(o);
            }
        });
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    /// <summary>One protector for every "instance" of a test, as the instances of a deployment share their key ring.</summary>
    public TestSecretProtector SharedProtector { get; } = new();

    public static AuditEvent Event(string tenant, string action = "auth.login", AuditOutcome outcome = AuditOutcome.Success, string? user = "u-1") =>
        new(action, outcome) { TenantId = tenant, ActorUserId = user, TargetType = "user", TargetId = user, IpAddress = "203.0.113.7", UserAgent = "tests/1.0" };
}

public sealed class SqliteAuditDatabase() : AuditTestDatabase(new SqliteTestEngine("foundation-audit-test", "Default Timeout=60", wal: true))
{
    /// <summary>Runs SQL on the file directly, as an attacker with access to it would (no EF, no application).</summary>
    public Task<int> TamperAsync(string sql) => ((SqliteTestEngine)Engine).ExecuteAsync(sql);
}

public sealed class PostgresAuditDatabase() : AuditTestDatabase(new PostgresTestEngine("foundation_audit", maxPoolSize: 20));
