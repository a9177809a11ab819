using Foundation.Data;
using Foundation.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Auth.Totp.Storage;

/// <summary>
/// Applies the TOTP migrations to the configured database (SQLite or PostgreSQL). Safe to run from several instances at
/// once: on PostgreSQL a session advisory lock is held for the whole run (see ExclusiveMigration), on SQLite EF Core's lock row.
/// Registered as <see cref="IStoreMigrator"/> once a database is chosen.
/// </summary>
public sealed class TotpDatabaseMigrator(IServiceScopeFactory scopeFactory) : IStoreMigrator
{
    internal const string NoStoreMessage =
        "Foundation.Auth.Totp has no database: call UseSqlite, UseNpgsql, UseInMemoryStore or UseDbContext on the builder AddFoundationTotp() returned.";

    /// <summary>The store: PostgreSQL advisory lock key 0x466F756E02 (decision 0007).</summary>
    internal static readonly StoreDefinition<TotpDbContext> Store = new("auth.totp", 0x46_6F_75_6E_02, NoStoreMessage);

    private readonly StoreMigrator<TotpDbContext> _migrator = new(scopeFactory, Store);

    /// <inheritdoc />
    public string Name => _migrator.Name;

    /// <summary>Creates or upgrades the TOTP tables to the latest migration.</summary>
    public Task MigrateAsync(CancellationToken cancellationToken = default) => _migrator.MigrateAsync(cancellationToken);
}
