using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Foundation.Hosting.Data.KeyRing;

/// <summary>Chooses and registers where the Data Protection key ring lives (<c>Foundation:DataProtection:KeyRing</c>).</summary>
internal static class KeyRingStore
{
    /// <summary>The configured location, or the default: the database on PostgreSQL (the scale-out path), the folder on SQLite.</summary>
    public static KeyRingLocation LocationOf(FoundationOptions options) =>
        options.DataProtection.KeyRing ?? (options.Database.Provider == DatabaseProvider.PostgreSql ? KeyRingLocation.Database : KeyRingLocation.Folder);

    public static void Add(IServiceCollection services)
    {
        services.AddDbContext<KeyRingDbContext>((sp, o) =>
        {
            FoundationDatabase.Configure(sp, o);
            if (sp.GetRequiredService<IOptions<FoundationOptions>>().Value.Database.Provider == DatabaseProvider.PostgreSql)
            {
                o.UseNpgsql(x => x.MigrationsHistoryTable(KeyRingDbContext.MigrationsHistoryTable));
            }
            else
            {
                o.UseSqlite(x => x.MigrationsHistoryTable(KeyRingDbContext.MigrationsHistoryTable));
            }

            KeyRingDbContext.ApplyDefaults(o);
        });
        services.AddSingleton<KeyRingDatabaseMigrator>();
        services.AddHostedService<KeyRingMigrationService>();
    }

    /// <summary>The repository of the configured location.</summary>
    public static IXmlRepository Repository(IServiceProvider services, FoundationOptions options, FoundationPaths paths, ILoggerFactory loggers)
    {
        if (LocationOf(options) == KeyRingLocation.Database)
        {
            return new EntityFrameworkCoreXmlRepository<KeyRingDbContext>(services, loggers);
        }

        if (LocationOf(options) == KeyRingLocation.Redis)
        {
            var redis = services.GetRequiredService<Redis.RedisConnection>();
            return new Microsoft.AspNetCore.DataProtection.StackExchangeRedis.RedisXmlRepository(
                () => redis.Multiplexer.GetDatabase(), redis.Key(Redis.RedisConnection.KeyRingKey));
        }

        PrivateFiles.CreateDirectory(paths.KeysDirectory);
        return new FileSystemXmlRepository(new DirectoryInfo(paths.KeysDirectory), loggers);
    }
}

/// <summary>
/// Migrates the key ring table while the host is starting, before any hosted service runs (Data Protection loads the ring in its own
/// hosted service), when the ring is in the database and <c>Foundation:Database:MigrateOnStartup</c> is true.
/// </summary>
internal sealed class KeyRingMigrationService(IServiceProvider services, IOptions<FoundationOptions> options) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var foundation = options.Value;
        if (foundation.Database.MigrateOnStartup && KeyRingStore.LocationOf(foundation) == KeyRingLocation.Database)
        {
            await services.GetRequiredService<KeyRingDatabaseMigrator>().MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
