using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Text;

namespace Foundation.Internal;

/// <summary>
/// Inserts a batch of rows inside the caller's connection and transaction, the fastest way each provider offers without a
/// provider-specific API: on SQLite one single-row INSERT prepared once and re-executed per row with new values
/// (Microsoft.Data.Sqlite keeps the compiled statement between executions; nothing is re-parsed, and no parameter is looked up
/// by name among hundreds), on PostgreSQL <c>INSERT ... SELECT FROM unnest(...)</c> with one array parameter per column, up to
/// 1,000 rows a statement (one round trip each; rows inserted in the order given).
/// </summary>
/// <remarks>
/// Shared source (src/Shared/Stores). Used by the background writers that drain a channel into a table (the usage ledger, the
/// audit log). <c>fill</c> writes one row's values in column order into the array it is given (<see langword="null"/> for SQL
/// NULL), as the store keeps them on that provider (the <see cref="bool"/> says SQLite: UTC ticks, upper-case GUID text).
/// PostgreSQL used multi-row VALUES of up to 400 rows before (10,000 parameters a ledger statement), and every pooled Npgsql
/// connector that ran one kept about 1 MB for good: its SQL parser's parameter-name dictionary and rewrite buffer keep the capacity
/// of the largest statement they parsed, and its reused data reader keeps the last command with its parameters. Over the pool
/// (25 connectors an instance) the live heap of each soak instance grew by 15-20 MB in 10 minutes (docs/benchmarks.md). With
/// arrays a statement has as many parameters as the table has columns and a short text, whatever the number of rows.
/// </remarks>
internal static class BatchInsert
{
    private const int PostgresMaxRowsPerStatement = 1_000;

    private static readonly ConcurrentDictionary<(string Table, int Rows), string> Statements = new();
    private static readonly ConcurrentDictionary<(string Table, string Present), string> UnnestStatements = new();
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

        // PostgreSQL: INSERT ... SELECT FROM unnest(one array parameter per column), up to PostgresMaxRowsPerStatement rows a
        // statement: as many parameters as columns, whatever the number of rows, and a short statement text.
        var cells = new object?[columns.Count][];
        for (var offset = 0; offset < rows.Count; offset += PostgresMaxRowsPerStatement)
        {
            var count = Math.Min(PostgresMaxRowsPerStatement, rows.Count - offset);
            for (var c = 0; c < cells.Length; c++)
            {
                cells[c] = new object?[count];
            }

            for (var i = 0; i < count; i++)
            {
                fill(rows[offset + i], values, false);
                for (var c = 0; c < cells.Length; c++)
                {
                    cells[c][i] = values[c];
                }
            }

            // A column NULL in every row of the statement has no element type to send: the statement writes NULL into it.
            var present = new bool[cells.Length];
            for (var c = 0; c < cells.Length; c++)
            {
                present[c] = Array.Exists(cells[c], static v => v is not null);
            }

            // Made by the provider's factory: Npgsql keeps a command CreateCommand made on its connection, parameters and all
            // (UncachedCommands).
            var command = UncachedCommands.Create(connection);
            await using (command.ConfigureAwait(false))
            {
#pragma warning disable CA2100 // built from the caller's constant column list; every value is a parameter
                command.CommandText = UnnestStatement(table, columns, present);
#pragma warning restore CA2100
                command.Transaction = transaction;
                for (var c = 0; c < cells.Length; c++)
                {
                    if (present[c])
                    {
                        var parameter = command.CreateParameter();
                        parameter.ParameterName = Name(c);
                        parameter.Value = TypedArray(table, columns[c], cells[c]);
                        command.Parameters.Add(parameter);
                    }
                }

                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // One column's values as an array of their CLR type (nullable for value types), which Npgsql sends as the matching PostgreSQL
    // array type (uuid[], timestamptz[], bigint[], text[], ...); PostgreSQL assigns each element to the column as it would a
    // parameter of that type in VALUES.
    private static Array TypedArray(string table, string column, object?[] cells)
    {
        var type = Array.Find(cells, static v => v is not null)!.GetType();
        try
        {
            return type switch
            {
                _ when type == typeof(string) => Typed<string>(cells),
                _ when type == typeof(long) => Typed<long?>(cells),
                _ when type == typeof(int) => Typed<int?>(cells),
                _ when type == typeof(short) => Typed<short?>(cells),
                _ when type == typeof(bool) => Typed<bool?>(cells),
                _ when type == typeof(double) => Typed<double?>(cells),
                _ when type == typeof(float) => Typed<float?>(cells),
                _ when type == typeof(decimal) => Typed<decimal?>(cells),
                _ when type == typeof(Guid) => Typed<Guid?>(cells),
                _ when type == typeof(DateTimeOffset) => Typed<DateTimeOffset?>(cells),
                _ when type == typeof(DateTime) => Typed<DateTime?>(cells),
                _ when type == typeof(byte[]) => Typed<byte[]>(cells),
                _ => throw new NotSupportedException(
                    $"BatchInsert into {table}: column {column} has values of type {type}, which the PostgreSQL bulk insert does not send."),
            };
        }
        catch (InvalidCastException e)
        {
            throw new InvalidOperationException($"BatchInsert into {table}: column {column} mixes values of different types ({type} first).", e);
        }
    }

    private static T?[] Typed<T>(object?[] cells)
    {
        var array = new T?[cells.Length];
        for (var i = 0; i < cells.Length; i++)
        {
            array[i] = cells[i] is null ? default : (T)cells[i]!;
        }

        return array;
    }

    private static string Name(int index) => Names.GetOrAdd(index, static i => "@p" + i.ToString(CultureInfo.InvariantCulture));

    // SQLite's single-row INSERT, cached per table.
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

    // PostgreSQL's INSERT ... SELECT FROM unnest(@p<column>...), cached per table and set of columns NULL in the whole statement
    // (written as NULL literals, which PostgreSQL types from the target column).
    private static string UnnestStatement(string table, IReadOnlyList<string> columns, bool[] present)
    {
        var key = string.Create(present.Length, present, static (span, present) =>
        {
            for (var c = 0; c < span.Length; c++)
            {
                span[c] = present[c] ? '1' : '0';
            }
        });
        return UnnestStatements.GetOrAdd((table, key), static (key, columns) =>
        {
            var sql = new StringBuilder("INSERT INTO ").Append(key.Table).Append(" (").AppendJoin(", ", columns).Append(") SELECT ");
            for (var c = 0; c < columns.Count; c++)
            {
                sql.Append(c == 0 ? "" : ", ").Append(key.Present[c] == '1' ? "u.v" + c.ToString(CultureInfo.InvariantCulture) : "NULL");
            }

            sql.Append(" FROM unnest(");
            var first = true;
            for (var c = 0; c < columns.Count; c++)
            {
                if (key.Present[c] == '1')
                {
                    sql.Append(first ? "@p" : ", @p").Append(c);
                    first = false;
                }
            }

            sql.Append(") AS u(");
            first = true;
            for (var c = 0; c < columns.Count; c++)
            {
                if (key.Present[c] == '1')
                {
                    sql.Append(first ? "v" : ", v").Append(c);
                    first = false;
                }
            }

            return sql.Append(')').ToString();
        }, columns);
    }
}
