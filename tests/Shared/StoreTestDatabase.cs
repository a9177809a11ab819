using Foundation.Internal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Foundation.Testing;

/// <summary>
/// One real database per test class (an xunit class fixture) for one package's store: created empty, migrated with the
/// package's migrations, dropped afterwards. Where it lives is its <see cref="TestDatabaseEngine"/>: a temporary SQLite
/// file or a fresh database on the PostgreSQL server of <c>FOUNDATION_TEST_POSTGRES</c> (TestDatabaseEngines.cs). Shared source,
/// linked into the test project of every package that owns a store; each derives its fixture with the package's own helpers.
/// </summary>
/// <typeparam name="TContext">The package's context.</typeparam>
public abstract class StoreTestDatabase<TContext>(TestDatabaseEngine engine) : StoreTestDatabase, IAsyncLifetime
    where TContext : DbContext
{
    protected TestDatabaseEngine Engine => engine;

    public virtual string Provider => engine.Provider;

    public virtual string ConnectionString => engine.ConnectionString;

    public virtual void Configure(DbContextOptionsBuilder options) => engine.Configure(options);

    /// <summary>Creates the empty database (no tables).</summary>
    public virtual Task CreateAsync() => engine.CreateAsync();

    public virtual Task DropAsync() => engine.DropAsync();

    public virtual async Task InitializeAsync()
    {
        await CreateAsync();
        await using var db = CreateContext();
        await db.Database.MigrateAsync();
    }

    public Task DisposeAsync() => DropAsync();

    /// <summary>A context on this database, configured as the package's <c>UseDbContext</c> configures it.</summary>
    public TContext CreateContext()
    {
        var builder = new DbContextOptionsBuilder<TContext>();
        Configure(builder);
        StoreModel.ApplyDefaults(builder);
        return (TContext)Activator.CreateInstance(typeof(TContext), builder.Options)!;
    }
}

/// <summary>What every store fixture offers without a context type.</summary>
public abstract class StoreTestDatabase
{
    /// <summary>Starts the hosted services of <paramref name="services"/> (one "app instance").</summary>
    public static async Task StartAsync(IServiceProvider services)
    {
        foreach (var hosted in services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
    }

    /// <summary>Stops the hosted services of <paramref name="services"/>, last started first.</summary>
    public static async Task StopAsync(IServiceProvider services)
    {
        foreach (var hosted in services.GetServices<IHostedService>().Reverse())
        {
            await hosted.StopAsync(CancellationToken.None);
        }
    }

    public static string NewTenant() => "t-" + Guid.NewGuid().ToString("N")[..12];
}
