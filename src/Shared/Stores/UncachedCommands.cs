using System.Data.Common;

namespace Foundation.Internal;

/// <summary>
/// Commands for the bulk inserts of the ledger and the audit chain (BatchInsert), made by the provider's factory instead of
/// <see cref="DbConnection.CreateCommand"/>.
/// </summary>
/// <remarks>
/// Npgsql keeps the command <see cref="DbConnection.CreateCommand"/> made and hands it back to the next call on the same connection;
/// disposing it only clears its parameter list, which keeps its capacity and its name lookup (a 400-row ledger INSERT: 10,000
/// parameters, about 0.4 MB, half of it on the large-object heap). EF Core's context pooling keeps each pooled context's
/// connection, so every pooled context that once ran a bulk insert kept that much for good: in the 10-minute soak the live heap
/// of each instance grew from 17 to 33 MB that way. A factory-made command is not kept by the connection; it is collected once
/// disposed. Shared source, compiled into every package that owns a store.
/// </remarks>
internal static class UncachedCommands
{
    /// <summary>A command on <paramref name="connection"/> that the connection does not keep after it is disposed.</summary>
    public static DbCommand Create(DbConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = DbProviderFactories.GetFactory(connection)?.CreateCommand();
        if (command is null)
        {
            return connection.CreateCommand();
        }

        command.Connection = connection;
        return command;
    }
}
