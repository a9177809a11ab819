using Foundation.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Foundation.Storage.Storage;

/// <summary>
/// Applies the Storage migrations to the configured database (SQLite or PostgreSQL). Safe from several instances at once: on PostgreSQL a
/// session advisory lock is held for the whole run (see ExclusiveMigration), on SQLite EF Core's lock row.
/// </summary>
public sealed class StorageDatabaseMigrator
{
    /// <summary>The PostgreSQL advisory lock key held while these migrations are applied (constant per package).</summary>
    internal const long MigrationLockKey = 0x46_6F_75_6E_53;

    private readonly IServiceScopeFactory _scopeFactory;

    /// <summary>Creates the migrator.</summary>
    public StorageDatabaseMigrator(IServiceScopeFactory scopeFactory)
    {
        ArgumentNullException.ThrowIfNull(scopeFactory);
        _scopeFactory = scopeFactory;
    }

    /// <summary>Creates or upgrades the Storage tables to the latest migration.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        var scope = _scopeFactory.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = scope.ServiceProvider.GetService<StorageDbContext>()
                ?? throw new InvalidOperationException("Foundation.Storage has no store: call AddFoundationStorage().UseSqlite(...), UseNpgsql(...) or UseDbContext(...).");
            await db.MigrateExclusivelyAsync(MigrationLockKey, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>Migrates before any hosted service starts, when the store was added with <c>migrateOnStartup: true</c>.</summary>
internal sealed class StorageDatabaseMigrationHostedService : IHostedLifecycleService
{
    private readonly StorageDatabaseMigrator _migrator;

    public StorageDatabaseMigrationHostedService(StorageDatabaseMigrator migrator) => _migrator = migrator;

    public Task StartingAsync(CancellationToken cancellationToken) => _migrator.MigrateAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
