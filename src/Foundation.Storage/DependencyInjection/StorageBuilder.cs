using Foundation.Internal;
using Foundation.Storage;
using Foundation.Storage.Backups;
using Foundation.Storage.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses where Foundation.Storage keeps its metadata.</summary>
public sealed class StorageBuilder
{
    internal StorageBuilder(IServiceCollection services) => Services = services;

    /// <summary>The services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Keeps the metadata in the SQLite database of <paramref name="connectionString"/>.</summary>
    public StorageBuilder UseSqlite(string connectionString, bool migrateOnStartup = false) =>
        UseDbContext(StoreRegistration.Sqlite(connectionString), migrateOnStartup);

    /// <summary>Keeps the metadata in the PostgreSQL database of <paramref name="connectionString"/>.</summary>
    public StorageBuilder UseNpgsql(string connectionString, bool migrateOnStartup = false) =>
        UseDbContext(StoreRegistration.Npgsql(connectionString), migrateOnStartup);

    /// <summary>Configures <see cref="StorageDbContext"/> yourself. The migrations ship for SQLite and PostgreSQL only.</summary>
    public StorageBuilder UseDbContext(Action<DbContextOptionsBuilder> configure, bool migrateOnStartup = false) =>
        UseDbContext(StoreRegistration.Own(configure), migrateOnStartup);

    /// <summary>Configures <see cref="StorageDbContext"/> from the application's services.</summary>
    public StorageBuilder UseDbContext(Action<IServiceProvider, DbContextOptionsBuilder> configure, bool migrateOnStartup = false)
    {
        StoreRegistration.UseDbContext<StorageDbContext, StorageDatabaseMigrator>(Services, configure, migrateOnStartup);
        Services.TryAddEnumerable(ServiceDescriptor.Scoped<Foundation.PersonalData.IPersonalDataProvider, Foundation.Storage.PersonalData.StoragePersonalDataProvider>());
        return this;
    }

    /// <summary>
    /// The database backups snapshot and the folder they are kept in, used where <c>Foundation:Storage:Backups:Database</c> and
    /// <c>Foundation:Storage:Backups:Path</c> are not set (Foundation.Hosting: <c>Foundation:Database</c> and <c>{DataDirectory}/backups</c>).
    /// </summary>
    public StorageBuilder UseDefaultBackups(Func<IServiceProvider, BackupDatabaseOptions> database, Func<IServiceProvider, string> path)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(path);
        Services.AddSingleton<IPostConfigureOptions<StorageOptions>>(sp => new PostConfigureOptions<StorageOptions>(Options.Options.DefaultName, o =>
        {
            if (string.IsNullOrWhiteSpace(o.Backups.Database.ConnectionString))
            {
                o.Backups.Database = database(sp);
            }

            if (o.Backups.Target == BackupTargetKind.FileSystem && string.IsNullOrWhiteSpace(o.Backups.Path))
            {
                o.Backups.Path = path(sp);
            }
        }));
        return this;
    }

    /// <summary>The file-system root used when <c>Foundation:Storage:RootPath</c> is not set (Foundation.Hosting: <c>{DataDirectory}/files</c>).</summary>
    public StorageBuilder UseDefaultRootPath(Func<IServiceProvider, string> rootPath)
    {
        ArgumentNullException.ThrowIfNull(rootPath);
        Services.AddSingleton<IPostConfigureOptions<StorageOptions>>(sp => new PostConfigureOptions<StorageOptions>(Options.Options.DefaultName, o =>
        {
            if (o.Provider == StorageProvider.FileSystem && string.IsNullOrWhiteSpace(o.RootPath))
            {
                o.RootPath = rootPath(sp);
            }
        }));
        return this;
    }
}
