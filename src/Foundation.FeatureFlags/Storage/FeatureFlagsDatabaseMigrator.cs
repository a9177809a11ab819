using Foundation.Data;
using Foundation.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.FeatureFlags.Storage;

/// <summary>
/// Applies the FeatureFlags migrations to the configured database (SQLite or PostgreSQL). Safe from several instances at once: on
/// PostgreSQL a session advisory lock is held for the whole run, on SQLite EF Core's lock row. Registered as
/// <see cref="IStoreMigrator"/> once a database is chosen, so Foundation.Hosting migrates it with the other stores.
/// </summary>
public sealed class FeatureFlagsDatabaseMigrator(IServiceScopeFactory scopeFactory) : IStoreMigrator
{
    internal const string NoStoreMessage =
        "Foundation.FeatureFlags has no store: call .UseSqlite(connectionString), .UseNpgsql(connectionString) or .UseDbContext(...) on the builder that AddFoundationFeatureFlags() returns.";

    /// <summary>The store: PostgreSQL advisory lock key 0x466F756E08 (decision 0007).</summary>
    internal static readonly StoreDefinition<FeatureFlagsDbContext> Store = new("feature-flags", 0x46_6F_75_6E_08, NoStoreMessage);

    private readonly StoreMigrator<FeatureFlagsDbContext> _migrator = new(scopeFactory, Store);

    /// <inheritdoc />
    public string Name => _migrator.Name;

    /// <summary>Creates or upgrades the FeatureFlags tables to the latest migration.</summary>
    public Task MigrateAsync(CancellationToken cancellationToken = default) => _migrator.MigrateAsync(cancellationToken);
}
