using Foundation.Data;
using Foundation.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Storage.Storage;

/// <summary>
/// Applies the Storage migrations to the configured database (SQLite or PostgreSQL). Safe from several instances at once: on PostgreSQL a
/// session advisory lock is held for the whole run (see ExclusiveMigration), on SQLite EF Core's lock row. Registered as
/// <see cref="IStoreMigrator"/> once a database is chosen, so Foundation.Hosting migrates it with the other stores.
/// </summary>
public sealed class StorageDatabaseMigrator(IServiceScopeFactory scopeFactory) : IStoreMigrator
{
    internal const string NoStoreMessage =
        "Foundation.Storage has no store: call .UseSqlite(connectionString), .UseNpgsql(connectionString) or .UseDbContext(...) on the builder that AddFoundationStorage() returns.";

    /// <summary>The store: PostgreSQL advisory lock key 0x466F756E07 (decision 0007).</summary>
    internal static readonly StoreDefinition<StorageDbContext> Store = new("storage", 0x46_6F_75_6E_07, NoStoreMessage);

    private readonly StoreMigrator<StorageDbContext> _migrator = new(scopeFactory, Store);

    /// <inheritdoc />
    public string Name => _migrator.Name;

    /// <summary>Creates or upgrades the Storage tables to the latest migration.</summary>
    public Task MigrateAsync(CancellationToken cancellationToken = default) => _migrator.MigrateAsync(cancellationToken);
}
