using System.Data;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Internal;

/// <summary>
/// Applies a context's migrations while holding a database-wide lock, so that several instances starting at once
/// against one PostgreSQL database apply each migration exactly once. EF Core's own migration lock on PostgreSQL is a
/// table lock released with each migration's transaction; with more than one pending migration a second instance can
/// read the history between two migrations and apply one again ("column already exists"). A session-level advisory
/// lock held on an open connection for the whole run closes that gap; PostgreSQL releases it by itself if the process
/// dies. SQLite needs nothing more: EF Core's lock row there is held for the whole run.
/// </summary>
/// <remarks>Shared source, linked into every package that owns migrations (see docs/decisions/0007-migration-lock.md).</remarks>
internal static class ExclusiveMigration
{
    /// <summary>Migrates <paramref name="db"/> to its latest migration under the advisory lock <paramref name="lockKey"/>.</summary>
    /// <param name="db">The context whose migrations are applied.</param>
    /// <param name="lockKey">A constant per context type, so that different packages sharing a database migrate independently.</param>
    /// <param name="cancellationToken">Cancels waiting for the lock and migrating.</param>
    public static async Task MigrateExclusivelyAsync(this DbContext db, long lockKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!db.Database.IsNpgsql())
        {
            await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(db, "SELECT pg_advisory_lock(@key)", lockKey, cancellationToken).ConfigureAwait(false);
            try
            {
                await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // Not cancellable: the lock must be released even when migrating was cancelled.
                await ExecuteAsync(db, "SELECT pg_advisory_unlock(@key)", lockKey, CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    private static async Task ExecuteAsync(DbContext db, string sql, long key, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = sql;
            var parameter = command.CreateParameter();
            parameter.ParameterName = "key";
            parameter.DbType = DbType.Int64;
            parameter.Value = key;
            command.Parameters.Add(parameter);
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
