using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Text;

namespace Foundation.Internal;

/// <summary>
/// Inserts a batch of rows inside the caller's connection and transaction, the fastest way each provider offers without a
/// provider-specific API: on SQLite one single-row INSERT prepared once and re-executed per row with new values
/// (Microsoft.Data.Sqlite keeps the compiled statement between executions; nothing is re-parsed, and no parameter is looked up
/// by name among hundreds), on PostgreSQL multi-row parameterised INSERTs of up to 400 rows (one round trip each).
/// </summary>
/// <remarks>
/// Shared source (src/Shared/Stores). Used by the background writers that drain a channel into a table (the usage ledger, the
/// audit log). <c>fill</c> writes one row's values in column order into the array it is given (<see langword="null"/> for SQL
/// NULL), as the store keeps them on that provider (the <see cref="bool"/> says SQLite: UTC ticks, upper-case GUID text).
/// </remarks>
internal static class BatchInsert
{
    private const int PostgresMaxRowsPerStatement = 400;
    private const int PostgresMaxParameters = 65_535;

    private static readonly ConcurrentDictionary<(string Table, int Rows), string> Statements = new();
    private static readonly ConcurrentDictionary<int, string> Names = new();

    public static async Task RunAsync<T>(
        DbConnection connection,
        DbTransaction? transaction,
        bool sqlite,
        string table,
        IReadOnlyList<string> columns,
        IReadOnlyList<T> rows,
        Action<T, object?[], bool> fill,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(fill);
        if (rows.Count == 0)
        {
            return;
        }

        var values = new object?[columns.Count];
        if (sqlite)
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
#pragma warning disable CA2100 // built from the caller's constant column list; every value is a parameter
                command.CommandText = Statement(table, columns, 1);
#pragma warning restore CA2100
                command.Transaction = transaction;
                var parameters = new DbParameter[columns.Count];
                for (var c = 0; c < parameters.Length; c++)
                {
                    parameters[c] = command.CreateParameter();
                    parameters[c].ParameterName = Name(c);
                    command.Parameters.Add(parameters[c]);
                }

                foreach (var row in rows)
                {
                    fill(row, values, true);
                    for (var c = 0; c < parameters.Length; c++)
                    {
                        parameters[c].Value = values[c] ?? DBNull.Value;
                    }

                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            return;
        }

        var perStatement = Math.Min(PostgresMaxRowsPerStatement, PostgresMaxParameters / columns.Count);
        for (var offset = 0; offset < rows.Count; offset += perStatement)
        {
            var count = Math.Min(perStatement, rows.Count - offset);
            // Made by the provider's factory: Npgsql keeps a command CreateCommand made on its connection, parameters and all
            // (UncachedCommands).
            var command = UncachedCommands.Create(connection);
            await using (command.ConfigureAwait(false))
            {
#pragma warning disable CA2100 // built from the caller's constant column list; every value is a parameter
                command.CommandText = count == perStatement ? Statement(table, columns, count) : Sql(table, columns, count);
#pragma warning restore CA2100
                command.Transaction = transaction;
                var p = 0;
                for (var i = 0; i < count; i++)
                {
                    fill(rows[offset + i], values, false);
                    foreach (var value in values)
                    {
                        var parameter = command.CreateParameter();
                        parameter.ParameterName = Name(p++);
                        parameter.Value = value ?? DBNull.Value;
                        command.Parameters.Add(parameter);
                    }
                }

                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static string Name(int index) => Names.GetOrAdd(index, static i => "@p" + i.ToString(CultureInfo.InvariantCulture));

    // Cached for the two sizes every batch uses (one row; a full statement); a batch's last, shorter statement is built for it.
    private static string Statement(string table, IReadOnlyList<string> columns, int rows) =>
        Statements.GetOrAdd((table, rows), static (key, columns) => Sql(key.Table, columns, key.Rows), columns);

    private static string Sql(string table, IReadOnlyList<string> columns, int rows)
    {
        var sql = new StringBuilder("INSERT INTO ").Append(table).Append(" (").AppendJoin(", ", columns).Append(") VALUES ");
        var p = 0;
        for (var r = 0; r < rows; r++)
        {
            sql.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < columns.Count; c++)
            {
                sql.Append(c == 0 ? "@p" : ", @p").Append(p++);
            }

            sql.Append(')');
        }

        return sql.ToString();
    }
}
