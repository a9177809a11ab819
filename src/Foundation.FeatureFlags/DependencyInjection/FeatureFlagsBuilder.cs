using Foundation.FeatureFlags.Storage;
using Foundation.Internal;
using Microsoft.EntityFrameworkCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses where Foundation.FeatureFlags keeps the organisations' flags.</summary>
public sealed class FeatureFlagsBuilder
{
    internal FeatureFlagsBuilder(IServiceCollection services) => Services = services;

    /// <summary>The services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Keeps the flags in the SQLite database of <paramref name="connectionString"/>.</summary>
    public FeatureFlagsBuilder UseSqlite(string connectionString, bool migrateOnStartup = false) =>
        UseDbContext(StoreRegistration.Sqlite(connectionString), migrateOnStartup);

    /// <summary>Keeps the flags in the PostgreSQL database of <paramref name="connectionString"/>.</summary>
    public FeatureFlagsBuilder UseNpgsql(string connectionString, bool migrateOnStartup = false) =>
        UseDbContext(StoreRegistration.Npgsql(connectionString), migrateOnStartup);

    /// <summary>Configures <see cref="FeatureFlagsDbContext"/> yourself. The migrations ship for SQLite and PostgreSQL only.</summary>
    public FeatureFlagsBuilder UseDbContext(Action<DbContextOptionsBuilder> configure, bool migrateOnStartup = false) =>
        UseDbContext(StoreRegistration.Own(configure), migrateOnStartup);

    /// <summary>Configures <see cref="FeatureFlagsDbContext"/> from the application's services.</summary>
    public FeatureFlagsBuilder UseDbContext(Action<IServiceProvider, DbContextOptionsBuilder> configure, bool migrateOnStartup = false)
    {
        StoreRegistration.UseDbContext<FeatureFlagsDbContext, FeatureFlagsDatabaseMigrator>(Services, configure, migrateOnStartup);
        return this;
    }
}
