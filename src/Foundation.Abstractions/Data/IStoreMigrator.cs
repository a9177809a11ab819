namespace Foundation.Data;

/// <summary>
/// Applies the migrations of one package's database store (Auth, Auth.Totp, Costing, Audit, ...). Every package with a store
/// registers its migrator as this contract once a database is chosen, so a host can migrate all of them at start or from a
/// deployment step without naming each package: <c>foreach (var m in services.GetServices&lt;IStoreMigrator&gt;()) await m.MigrateAsync(ct);</c>
/// (Foundation.Hosting does exactly that when <c>Foundation:Database:MigrateOnStartup</c> is true).
/// </summary>
/// <remarks>
/// Each store keeps its own migrations; running the migrators in any order, from several instances at once, or again is
/// safe: an implementation serialises concurrent runs against one database (on PostgreSQL with an advisory lock of its
/// own) and applies only what is pending.
/// </remarks>
public interface IStoreMigrator
{
    /// <summary>The store's name, for logs and errors (for example <c>auth</c>, <c>costing</c>).</summary>
    string Name { get; }

    /// <summary>Creates or upgrades the store's tables to its latest migration.</summary>
    /// <param name="cancellationToken">Cancels waiting for the migration lock and migrating.</param>
    /// <exception cref="InvalidOperationException">The package was registered without a database; the message names the builder methods that choose one.</exception>
    Task MigrateAsync(CancellationToken cancellationToken = default);
}
