using System.Collections.Concurrent;
using System.Security.Cryptography;
using Foundation.Auditing;
using Foundation.Auth.Totp.Storage;
using Foundation.Testing;
using Foundation.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Auth.Totp.Tests.Infrastructure;

/// <summary>
/// One real database per test class (an xunit class fixture): a temporary SQLite file, or a fresh PostgreSQL database on
/// the server eng/test.sh starts (<see cref="StoreTestDatabase{TContext}"/>), with the TOTP helpers.
/// </summary>
public abstract class TotpTestDatabase(TestDatabaseEngine engine) : StoreTestDatabase<TotpDbContext>(engine)
{
    /// <summary>One key ring for the whole database, so every "app instance" can read the secrets.</summary>
    public TestSecretProtector Protector { get; } = new();

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

public sealed class SqliteTestDatabase() : TotpTestDatabase(new SqliteTestEngine("foundation-totp-test", "Pooling=False;Default Timeout=30", wal: false));

/// <summary>
/// The store of <c>UseInMemoryStore(name)</c>: the fixture holds the named in-memory database open for the test class,
/// and every service provider it builds joins it by name, as two app instances would share a database file.
/// </summary>
public sealed class InMemoryTestDatabase() : TotpTestDatabase(new InMemoryEngine())
{
    protected override void UseStore(TotpBuilder builder) => builder.UseInMemoryStore(((InMemoryEngine)Engine).Name);

    private sealed class InMemoryEngine : TestDatabaseEngine
    {
        private TotpInMemoryDatabase? _database;

        public string Name { get; } = "foundation-totp-test-" + Guid.NewGuid().ToString("N");

        public override string Provider => "sqlite-memory";

        public override string ConnectionString => _database?.ConnectionString ?? throw new InvalidOperationException("The in-memory database is not created yet.");

        public override void Configure(DbContextOptionsBuilder options) => options.UseSqlite(ConnectionString);

        public override Task CreateAsync()
        {
            _database = new TotpInMemoryDatabase(Name);
            return Task.CompletedTask;
        }

        public override Task DropAsync()
        {
            _database?.Dispose();
            return Task.CompletedTask;
        }
    }
}

public sealed class PostgresTestDatabase() : TotpTestDatabase(new PostgresTestEngine("foundation_totp"));

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
