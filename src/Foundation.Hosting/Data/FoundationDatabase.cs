using Foundation.Data;
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
/// Applies the migrations of every registered Foundation store (each <see cref="IStoreMigrator"/>) when the host starts (unless
/// <c>Foundation:Database:MigrateOnStartup</c> is false), and puts a SQLite database in WAL mode, which lets readers
/// and one writer work at once.
/// </summary>
internal sealed partial class FoundationDatabaseMigrationService(
    IEnumerable<IStoreMigrator> migrators,
    SqliteDatabaseFile sqliteFile,
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

        if (database.Provider == DatabaseProvider.Sqlite)
        {
            // WAL lets readers and one writer work at once; the mode is persistent, set on the file before any store uses it.
            sqliteFile.Prepare(database.ConnectionString);
            var connection = new SqliteConnection(database.ConnectionString);
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                var command = connection.CreateCommand();
                await using (command.ConfigureAwait(false))
                {
                    command.CommandText = "PRAGMA journal_mode=WAL;";
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }

        // Every package that chose a database registered its migrator; each keeps its own migrations and lock.
        foreach (var migrator in migrators)
        {
            await migrator.MigrateAsync(cancellationToken).ConfigureAwait(false);
            LogStoreMigrated(logger, migrator.Name);
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

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Foundation store {Store} migrated")]
    private static partial void LogStoreMigrated(ILogger logger, string store);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Foundation:Database:MigrateOnStartup is false; apply the migrations yourself")]
    private static partial void LogSkipped(ILogger logger);
}
