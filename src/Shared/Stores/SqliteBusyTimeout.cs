using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Foundation.Internal;

/// <summary>
/// Makes a SQLite connection wait for the write lock inside SQLite (<c>sqlite3_busy_timeout</c>, as long as the connection's
/// <see cref="SqliteConnection.DefaultTimeout"/>) instead of failing with SQLITE_BUSY at once. Without it Microsoft.Data.Sqlite
/// retries a busy statement after sleeping a fixed 150 ms on the calling thread, so a write that meets another connection's
/// short transaction (the usage ledger's group commit, a budget lease flush) waited 150 ms for a lock held a few milliseconds:
/// the budgets-on gateway's p99 (docs/benchmarks.md, issue 12). SQLite's own busy handler retries in steps of 1 to 100 ms.
/// </summary>
/// <remarks>
/// The setting belongs to the native connection and costs one call into SQLite per open (no statement is prepared). Other
/// providers' connections are left alone. Shared source (src/Shared/Stores), added to every store by <see cref="StoreModel.ApplyDefaults"/>.
/// </remarks>
internal sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    public static readonly SqliteBusyTimeout Instance = new();

    private SqliteBusyTimeout()
    {
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    /// <summary>Sets the busy timeout of an open SQLite connection; any other connection is left as it is.</summary>
    public static void Apply(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle } sqlite)
        {
            var milliseconds = sqlite.DefaultTimeout <= 0 || sqlite.DefaultTimeout > int.MaxValue / 1000 ? int.MaxValue : sqlite.DefaultTimeout * 1000;
            _ = SQLitePCL.raw.sqlite3_busy_timeout(handle, milliseconds);
        }
    }
}
