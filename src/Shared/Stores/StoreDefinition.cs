using Microsoft.EntityFrameworkCore;

namespace Foundation.Internal;

/// <summary>What one package's store is: its context, its name, its migration lock and what to say when no database was chosen.</summary>
/// <typeparam name="TContext">The package's context; its assembly holds the package's own migrations.</typeparam>
/// <param name="Name">The store's name (<see cref="Foundation.Data.IStoreMigrator.Name"/>).</param>
/// <param name="MigrationLockKey">The PostgreSQL advisory lock key held while the migrations run; a constant per package (decision 0007).</param>
/// <param name="NoStoreMessage">The error when the package is used without a database: names the builder methods that choose one.</param>
/// <remarks>Shared source, compiled into every package that owns a store (see docs/decisions/0010-one-store-scaffold.md).</remarks>
internal sealed record StoreDefinition<TContext>(string Name, long MigrationLockKey, string NoStoreMessage)
    where TContext : DbContext;
