using System.Collections.Concurrent;
using System.Security.Cryptography;
using Foundation.Auditing;
using Foundation.Auth.Totp.Storage;
using Foundation.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Foundation.Auth.Totp.Tests.Infrastructure;

/// <summary>
/// One real database per test class (an xunit class fixture): a temporary SQLite file, or a fresh PostgreSQL database on
/// the server eng/test.sh starts. Migrated with <c>MigrateAsync</c>, dropped afterwards. Same pattern as Foundation.Auth's.
/// </summary>
public abstract class TotpTestDatabase : IAsyncLifetime
{
    public abstract string Provider { get; }

    public abstract string ConnectionString { get; }

    /// <summary>One key ring for the whole database, so every "app instance" can read the secrets.</summary>
    public TestSecretProtector Protector { get; } = new();

    public abstract void Configure(DbContextOptionsBuilder options);

    public abstract Task CreateAsync();

    public abstract Task DropAsync();

    public async Task InitializeAsync()
    {
        await CreateAsync();
        await using var db = CreateContext();
        await db.Database.MigrateAsync();
    }

    public Task DisposeAsync() => DropAsync();

    public TotpDbContext CreateContext()
    {
        var builder = new DbContextOptionsBuilder<TotpDbContext>();
        Configure(builder);
        Foundation.Internal.StoreModel.ApplyDefaults(builder);
        return new TotpDbContext(builder.Options);
    }

    /// <summary>The TOTP services over this database ("one app instance"), with a test clock and a recording audit writer.</summary>
    public ServiceProvider BuildServices(FakeTimeProvider time, RecordingAuditEventWriter? audit = null, Action<TotpOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<IAuditEventWriter>(audit ?? new RecordingAuditEventWriter());
        services.AddSingleton<ISecretProtector>(Protector);
        UseStore(services.AddFoundationTotp(new ConfigurationBuilder().Build(), configure));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    /// <summary>Points the TOTP services at this database.</summary>
    protected virtual void UseStore(TotpBuilder builder) => builder.UseDbContext(Configure);
}

public sealed class SqliteTestDatabase : TotpTestDatabase
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"foundation-totp-test-{Guid.NewGuid():N}.db");

    public override string Provider => "sqlite";

    public override string ConnectionString => $"Data Source={_path};Pooling=False;Default Timeout=30";

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

/// <summary>
/// The store of <c>UseInMemoryStore(name)</c>: the fixture holds the named in-memory database open for the test class,
/// and every service provider it builds joins it by name, as two app instances would share a database file.
/// </summary>
public sealed class InMemoryTestDatabase : TotpTestDatabase
{
    private readonly string _name = "foundation-totp-test-" + Guid.NewGuid().ToString("N");
    private TotpInMemoryDatabase? _database;

    public override string Provider => "sqlite-memory";

    public override string ConnectionString => _database?.ConnectionString ?? throw new InvalidOperationException("The in-memory database is not created yet.");

    public override void Configure(DbContextOptionsBuilder options) => options.UseSqlite(ConnectionString);

    public override Task CreateAsync()
    {
        _database = new TotpInMemoryDatabase(_name);
        return Task.CompletedTask;
    }

    public override Task DropAsync()
    {
        _database?.Dispose();
        return Task.CompletedTask;
    }

    protected override void UseStore(TotpBuilder builder) => builder.UseInMemoryStore(_name);
}

public sealed class PostgresTestDatabase : TotpTestDatabase
{
    public const string Variable = "FOUNDATION_TEST_POSTGRES";

    private readonly string _adminConnectionString;
    private readonly string _name = "foundation_totp_" + Guid.NewGuid().ToString("N")[..16];

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

public sealed class RecordingAuditEventWriter : IAuditEventWriter
{
    public ConcurrentQueue<AuditEvent> Events { get; } = new();

    public ValueTask WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        Events.Enqueue(auditEvent);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Where the tests' <see cref="FakeTimeProvider"/> starts.</summary>
public static class TestClock
{
    public static readonly DateTimeOffset Start = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A clock the test moves, at <see cref="Start"/>.</summary>
    public static FakeTimeProvider Create() => new(Start);
}

/// <summary>An <see cref="ISecretProtector"/> on an in-memory Data Protection key ring.</summary>
public sealed class TestSecretProtector : ISecretProtector
{
    private readonly EphemeralDataProtectionProvider _provider = new();

    public string Protect(string purpose, string plaintext) => _provider.CreateProtector(purpose).Protect(plaintext);

    public string Unprotect(string purpose, string protectedValue)
    {
        try
        {
            return _provider.CreateProtector(purpose).Unprotect(protectedValue);
        }
        catch (CryptographicException ex)
        {
            throw new SecretProtectionException($"Could not unprotect for '{purpose}'.", ex);
        }
    }
}
