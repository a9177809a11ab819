using Foundation.Auditing;
using Foundation.Auth.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Foundation.Auth.Tests.Infrastructure;

/// <summary>
/// One real database per test class (an xunit class fixture): a temporary SQLite file, or a fresh PostgreSQL
/// database on the server eng/test.sh starts. Migrated with <c>MigrateAsync</c>, dropped afterwards.
/// </summary>
public abstract class TestDatabase : IAsyncLifetime
{
    public abstract string Provider { get; }

    public abstract string ConnectionString { get; }

    public abstract void Configure(DbContextOptionsBuilder options);

    /// <summary>Creates the empty database (no tables).</summary>
    public abstract Task CreateAsync();

    public abstract Task DropAsync();

    public async Task InitializeAsync()
    {
        await CreateAsync();
        await using var db = CreateContext();
        await db.Database.MigrateAsync();
    }

    public Task DisposeAsync() => DropAsync();

    public AuthDbContext CreateContext()
    {
        var builder = new DbContextOptionsBuilder<AuthDbContext>();
        Configure(builder);
        Foundation.Internal.StoreModel.ApplyDefaults(builder);
        return new AuthDbContext(builder.Options);
    }

    /// <summary>The services of Foundation.Auth over this database, with a test clock and a recording audit writer.</summary>
    /// <param name="time">The clock.</param>
    /// <param name="audit">The audit writer; a new recording one when omitted.</param>
    /// <param name="configure">Changes to the options.</param>
    /// <param name="configureDb">Added to the DbContext options after the provider (interceptors, for example).</param>
    public ServiceProvider BuildServices(
        FakeTimeProvider time, RecordingAuditEventWriter? audit = null, Action<AuthOptions>? configure = null, Action<DbContextOptionsBuilder>? configureDb = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<IAuditEventWriter>(audit ?? new RecordingAuditEventWriter());
        var options = services.AddOptions<AuthOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        new AuthBuilder(services).UseDbContext(o =>
        {
            Configure(o);
            configureDb?.Invoke(o);
        });
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public async Task<UserRecord> AddUserAsync(string tenantId, TimeProvider time, string roles = "member", UserStatus status = UserStatus.Active, string? email = null)
    {
        email ??= $"user-{Guid.NewGuid():N}@example.com";
        var user = new UserRecord
        {
            Id = Guid.CreateVersion7(),
            TenantId = tenantId,
            Email = email,
            NormalizedEmail = email.ToLowerInvariant(),
            PasswordHash = "hash",
            Status = status,
            Roles = roles,
            SecurityStamp = Guid.NewGuid().ToString("N"),
            CreatedAt = time.GetUtcNow(),
        };
        await using var db = CreateContext();
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return user;
    }

    public static string NewTenant() => "t-" + Guid.NewGuid().ToString("N")[..12];
}

public sealed class SqliteTestDatabase : TestDatabase
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"foundation-auth-test-{Guid.NewGuid():N}.db");

    public override string Provider => "sqlite";

    public override string ConnectionString => $"Data Source={_path};Pooling=False";

    public override void Configure(DbContextOptionsBuilder options) => options.UseSqlite(ConnectionString);

    public override Task CreateAsync() => Task.CompletedTask;

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

public sealed class PostgresTestDatabase : TestDatabase
{
    public const string Variable = "FOUNDATION_TEST_POSTGRES";

    private readonly string _adminConnectionString;
    private readonly string _name = "foundation_auth_" + Guid.NewGuid().ToString("N")[..16];

    public PostgresTestDatabase()
    {
        _adminConnectionString = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException($"{Variable} is not set: the PostgreSQL store tests need the real server; run ./eng/test.sh (it starts PostgreSQL 15 and sets {Variable}).");
        ConnectionString = new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = _name }.ConnectionString;
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
