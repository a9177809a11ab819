using Foundation.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Foundation.Internal;

/// <summary>
/// Applies one package's migrations to its configured database (SQLite or PostgreSQL), in a scope of its own. Safe from several
/// instances at once: on PostgreSQL a session advisory lock is held for the whole run (<see cref="ExclusiveMigration"/>), on
/// SQLite EF Core's lock row, so a second instance waits and then finds the migrations applied. The public
/// <c>XxxDatabaseMigrator</c> of each package is a thin wrapper over it.
/// </summary>
/// <remarks>Shared source, compiled into every package that owns a store (see docs/decisions/0010-one-store-scaffold.md).</remarks>
internal sealed class StoreMigrator<TContext>
    where TContext : DbContext
{
    private readonly IServiceScopeFactory _scopeFactory;
    private readonly StoreDefinition<TContext> _store;

    public StoreMigrator(IServiceScopeFactory scopeFactory, StoreDefinition<TContext> store)
    {
        ArgumentNullException.ThrowIfNull(scopeFactory);
        ArgumentNullException.ThrowIfNull(store);
        _scopeFactory = scopeFactory;
        _store = store;
    }

    public string Name => _store.Name;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var scope = _scopeFactory.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = scope.ServiceProvider.GetService<TContext>() ?? throw new InvalidOperationException(_store.NoStoreMessage);
            await db.MigrateExclusivelyAsync(_store.MigrationLockKey, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>Migrates before any hosted service starts, when a store was added with <c>migrateOnStartup: true</c>.</summary>
/// <typeparam name="TMigrator">The package's migrator (one hosted service per package).</typeparam>
internal sealed class StoreMigrationHostedService<TMigrator> : IHostedLifecycleService
    where TMigrator : IStoreMigrator
{
    private readonly TMigrator _migrator;

    public StoreMigrationHostedService(TMigrator migrator) => _migrator = migrator;

    public Task StartingAsync(CancellationToken cancellationToken) => _migrator.MigrateAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
