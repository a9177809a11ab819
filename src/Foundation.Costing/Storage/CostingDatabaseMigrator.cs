using Foundation.Data;
using Foundation.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Costing.Storage;

/// <summary>
/// Applies the Costing migrations to the configured database (SQLite or PostgreSQL). Safe from several instances at once: on PostgreSQL a
/// session advisory lock is held for the whole run (see ExclusiveMigration), on SQLite EF Core's lock row; a second
/// instance waits and then finds the migrations applied. Registered as <see cref="IStoreMigrator"/> once a database is chosen.
/// </summary>
public sealed class CostingDatabaseMigrator(IServiceScopeFactory scopeFactory) : IStoreMigrator
{
    private readonly StoreMigrator<CostingDbContext> _migrator = new(scopeFactory, CostingStore.Store);

    /// <inheritdoc />
    public string Name => _migrator.Name;

    /// <summary>Creates or upgrades the Costing tables to the latest migration.</summary>
    public Task MigrateAsync(CancellationToken cancellationToken = default) => _migrator.MigrateAsync(cancellationToken);
}
