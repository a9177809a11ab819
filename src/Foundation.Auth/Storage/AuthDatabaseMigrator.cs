using Foundation.Data;
using Foundation.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Auth.Storage;

/// <summary>
/// Applies the Auth migrations to the configured database (SQLite or PostgreSQL). Safe to run from several instances
/// at once: on PostgreSQL a session advisory lock is held for the whole run, on SQLite EF Core's lock row, so a second
/// instance waits and then finds the migrations already applied. Registered as <see cref="IStoreMigrator"/> once a database is chosen.
/// </summary>
public sealed class AuthDatabaseMigrator(IServiceScopeFactory scopeFactory) : IStoreMigrator
{
    private readonly StoreMigrator<AuthDbContext> _migrator = new(scopeFactory, AuthStoreServices.Store);

    /// <inheritdoc />
    public string Name => _migrator.Name;

    /// <summary>Creates or upgrades the Auth tables to the latest migration.</summary>
    public Task MigrateAsync(CancellationToken cancellationToken = default) => _migrator.MigrateAsync(cancellationToken);
}
