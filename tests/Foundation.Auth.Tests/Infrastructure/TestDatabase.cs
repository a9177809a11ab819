using Foundation.Auditing;
using Foundation.Auth.Storage;
using Foundation.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Auth.Tests.Infrastructure;

/// <summary>
/// One real database per test class (an xunit class fixture): a temporary SQLite file, or a fresh PostgreSQL
/// database on the server eng/test.sh starts (<see cref="StoreTestDatabase{TContext}"/>), with the Auth helpers.
/// </summary>
public abstract class TestDatabase(TestDatabaseEngine engine) : StoreTestDatabase<AuthDbContext>(engine)
{
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

}

public sealed class SqliteTestDatabase() : TestDatabase(new SqliteTestEngine("foundation-auth-test", "Pooling=False", wal: false));

public sealed class PostgresTestDatabase() : TestDatabase(new PostgresTestEngine("foundation_auth"));
