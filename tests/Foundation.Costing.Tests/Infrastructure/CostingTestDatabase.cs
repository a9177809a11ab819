using Foundation.Auditing;
using Foundation.Callers;
using Foundation.Costing.Budgets;
using Foundation.Costing.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Foundation.Costing.Tests.Infrastructure;

/// <summary>
/// One real database per test class: a temporary SQLite file (WAL mode, as Hosting runs it) or a fresh PostgreSQL database on the server of
/// <c>FOUNDATION_TEST_POSTGRES</c>. Migrated with the Costing migrations, dropped afterwards. The same approach as Foundation.Auth's tests.
/// </summary>
public abstract class CostingTestDatabase : IAsyncLifetime
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

    public CostingDbContext CreateContext()
    {
        var builder = new DbContextOptionsBuilder<CostingDbContext>();
        Configure(builder);
        Foundation.Internal.StoreModel.ApplyDefaults(builder);
        return new CostingDbContext(builder.Options);
    }

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
}

public sealed class SqliteCostingDatabase : CostingTestDatabase
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"foundation-costing-test-{Guid.NewGuid():N}.db");

    public override string Provider => "sqlite";

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
}

public sealed class PostgresCostingDatabase : CostingTestDatabase
{
    public const string Variable = "FOUNDATION_TEST_POSTGRES";

    private readonly string _adminConnectionString;
    private readonly string _name = "foundation_costing_" + Guid.NewGuid().ToString("N")[..16];

    public PostgresCostingDatabase()
    {
        _adminConnectionString = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException($"{Variable} is not set: the PostgreSQL store tests need the real server; run ./eng/test.sh (it starts PostgreSQL 15 and sets {Variable}).");
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
