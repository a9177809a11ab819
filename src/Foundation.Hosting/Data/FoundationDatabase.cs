using Foundation.Auth.Storage;
using Foundation.Auth.Totp.Storage;
using Foundation.Hosting.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Foundation.Hosting;

/// <summary>Points the Foundation stores at <c>Foundation:Database</c>.</summary>
internal static class FoundationDatabase
{
    public static void Configure(IServiceProvider services, DbContextOptionsBuilder options)
    {
        var database = services.GetRequiredService<IOptions<FoundationOptions>>().Value.Database;
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            // Before SQLite can create the file world-readable: created 0600 here, its -wal and -shm follow its mode.
            services.GetRequiredService<SqliteDatabaseFile>().Prepare(database.ConnectionString);
        }

        _ = database.Provider switch
        {
            DatabaseProvider.PostgreSql => options.UseNpgsql(database.ConnectionString),
            _ => options.UseSqlite(database.ConnectionString),
        };
    }
}

/// <summary>
/// Applies the migrations of every Foundation store when the host starts (unless
/// <c>Foundation:Database:MigrateOnStartup</c> is false), and puts a SQLite database in WAL mode, which lets readers
/// and one writer work at once.
/// </summary>
internal sealed partial class FoundationDatabaseMigrationService(
    IServiceScopeFactory scopes,
    IOptions<FoundationOptions> options,
    ILogger<FoundationDatabaseMigrationService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var database = options.Value.Database;
        if (!database.MigrateOnStartup)
        {
            LogSkipped(logger);
            return;
        }

        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var auth = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
            if (database.Provider == DatabaseProvider.Sqlite)
            {
                await auth.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
            }

            await scope.ServiceProvider.GetRequiredService<AuthDatabaseMigrator>().MigrateAsync(cancellationToken).ConfigureAwait(false);
            await scope.ServiceProvider.GetRequiredService<TotpDatabaseMigrator>().MigrateAsync(cancellationToken).ConfigureAwait(false);
            await scope.ServiceProvider.GetRequiredService<Foundation.Llm.Routing.Storage.LlmDatabaseMigrator>().MigrateAsync(cancellationToken).ConfigureAwait(false);
            await scope.ServiceProvider.GetRequiredService<Foundation.Costing.Storage.CostingDatabaseMigrator>().MigrateAsync(cancellationToken).ConfigureAwait(false);
            await scope.ServiceProvider.GetRequiredService<Foundation.Audit.Storage.AuditDatabaseMigrator>().MigrateAsync(cancellationToken).ConfigureAwait(false);
        }

        LogMigrated(logger, database.Provider);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        SqliteConnection.ClearAllPools();
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Foundation stores migrated ({Provider})")]
    private static partial void LogMigrated(ILogger logger, DatabaseProvider provider);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Foundation:Database:MigrateOnStartup is false; apply the migrations yourself")]
    private static partial void LogSkipped(ILogger logger);
}
