using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Foundation.Costing.Storage;

/// <summary>
/// Applies the Costing migrations to the configured database (SQLite or PostgreSQL). Safe from several instances at once: EF Core takes
/// a database lock around migrating, and a second instance finds the migrations applied.
/// </summary>
public sealed class CostingDatabaseMigrator
{
    private readonly IServiceScopeFactory _scopeFactory;

    /// <summary>Creates the migrator.</summary>
    public CostingDatabaseMigrator(IServiceScopeFactory scopeFactory)
    {
        ArgumentNullException.ThrowIfNull(scopeFactory);
        _scopeFactory = scopeFactory;
    }

    /// <summary>Creates or upgrades the Costing tables to the latest migration.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        var scope = _scopeFactory.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = scope.ServiceProvider.GetService<CostingDbContext>() ?? throw new InvalidOperationException(CostingStore.NoStoreMessage);
            await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>Migrates before any hosted service starts, when the store was added with <c>migrateOnStartup: true</c>.</summary>
internal sealed class CostingDatabaseMigrationHostedService : IHostedLifecycleService
{
    private readonly CostingDatabaseMigrator _migrator;

    public CostingDatabaseMigrationHostedService(CostingDatabaseMigrator migrator) => _migrator = migrator;

    public Task StartingAsync(CancellationToken cancellationToken) => _migrator.MigrateAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
