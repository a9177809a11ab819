using Foundation.Audit.Storage;
using Foundation.Auditing;
using Foundation.Callers;
using Foundation.Security;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Foundation.Audit.Tests.Infrastructure;

/// <summary>
/// One real database per test class: a temporary SQLite file (WAL mode) or a fresh PostgreSQL database on the server of
/// <c>FOUNDATION_TEST_POSTGRES</c>, migrated with the Audit migrations and dropped afterwards (the pattern of Foundation.Costing's tests).
/// </summary>
public abstract class AuditTestDatabase : IAsyncLifetime
{
    public abstract string Provider { get; }

    public abstract string ConnectionString { get; }

    public abstract void Configure(DbContextOptionsBuilder options);

    public abstract Task CreateAsync();

    public abstract Task DropAsync();

    public virtual async Task InitializeAsync()
    {
        await CreateAsync();
        await using var db = CreateContext();
        await db.Database.MigrateAsync();
    }

    public Task DisposeAsync() => DropAsync();

    public AuditDbContext CreateContext()
    {
        var builder = new DbContextOptionsBuilder<AuditDbContext>();
        Configure(builder);
        Foundation.Internal.StoreModel.ApplyDefaults(builder);
        return new AuditDbContext(builder.Options);
    }

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

    public static async Task StartAsync(IServiceProvider services)
    {
        foreach (var hosted in services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
    }

    public static async Task StopAsync(IServiceProvider services)
    {
        foreach (var hosted in services.GetServices<IHostedService>().Reverse())
        {
            await hosted.StopAsync(CancellationToken.None);
        }
    }

    public static string NewTenant() => "t-" + Guid.NewGuid().ToString("N")[..12];

    public static AuditEvent Event(string tenant, string action = "auth.login", AuditOutcome outcome = AuditOutcome.Success, string? user = "u-1") =>
        new(action, outcome) { TenantId = tenant, ActorUserId = user, TargetType = "user", TargetId = user, IpAddress = "203.0.113.7", UserAgent = "tests/1.0" };
}

public sealed class SqliteAuditDatabase : AuditTestDatabase
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"foundation-audit-test-{Guid.NewGuid():N}.db");

    public override string Provider => "sqlite";

    public string FilePath => _path;

    public override string ConnectionString => $"Data Source={_path};Default Timeout=60";

    public override void Configure(DbContextOptionsBuilder options) => options.UseSqlite(ConnectionString);

    public override async Task CreateAsync()
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        await command.ExecuteNonQueryAsync();
    }

    public override Task DropAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm", "-journal" })
        {
            File.Delete(_path + suffix);
        }

        return Task.CompletedTask;
    }

    /// <summary>Runs SQL on the file directly, as an attacker with access to it would (no EF, no application).</summary>
    public async Task<int> TamperAsync(string sql)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    }
}

public sealed class PostgresAuditDatabase : AuditTestDatabase
{
    public const string Variable = "FOUNDATION_TEST_POSTGRES";

    private readonly string _adminConnectionString;
    private readonly string _name = "foundation_audit_" + Guid.NewGuid().ToString("N")[..16];

    public PostgresAuditDatabase()
    {
        _adminConnectionString = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException($"{Variable} is not set: the PostgreSQL store tests need the real server; run ./eng/test.sh (it starts PostgreSQL and sets {Variable}).");
        ConnectionString = new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = _name, MaxPoolSize = 20 }.ConnectionString;
    }

    public override string Provider => "postgresql";

    public override string ConnectionString { get; }

    public override void Configure(DbContextOptionsBuilder options) => options.UseNpgsql(ConnectionString);

    public override async Task CreateAsync()
    {
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{_name}\"", connection);
        await command.ExecuteNonQueryAsync();
    }

    public override async Task DropAsync()
    {
        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
