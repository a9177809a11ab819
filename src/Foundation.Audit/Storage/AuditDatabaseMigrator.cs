using Foundation.Data;
using Foundation.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Audit.Storage;

/// <summary>
/// Applies the Audit migrations to the configured database (SQLite or PostgreSQL). Safe from several instances at once: on PostgreSQL a
/// session advisory lock is held for the whole run (see ExclusiveMigration), on SQLite EF Core's lock row.
/// Registered as <see cref="IStoreMigrator"/> once a database is chosen.
/// </summary>
public sealed class AuditDatabaseMigrator(IServiceScopeFactory scopeFactory) : IStoreMigrator
{
    /// <summary>The store: PostgreSQL advisory lock key 0x466F756E05 (decision 0007).</summary>
    internal static readonly StoreDefinition<AuditDbContext> Store = new("audit", 0x46_6F_75_6E_05,
        "Foundation.Audit has no store: call AddFoundationAudit().UseSqlite(...), UseNpgsql(...) or UseDbContext(...).");

    private readonly StoreMigrator<AuditDbContext> _migrator = new(scopeFactory, Store);

    /// <inheritdoc />
    public string Name => _migrator.Name;

    /// <summary>Creates or upgrades the Audit tables to the latest migration.</summary>
    public Task MigrateAsync(CancellationToken cancellationToken = default) => _migrator.MigrateAsync(cancellationToken);
}
