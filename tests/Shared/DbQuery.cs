using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Tests.Common;

/// <summary>Raw SQL for store tests (schema checks, reading rows EF would hide). Linked into each test project that needs it.</summary>
public static class DbQuery
{
    /// <summary>Runs raw SQL with positional parameters @p0, @p1, ... and returns every row.</summary>
    public static async Task<List<object?[]>> RowsAsync(DbContext db, string sql, params object[] parameters)
    {
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync();
        }

        try
        {
            await using DbCommand command = connection.CreateCommand();
            command.CommandText = sql;
            for (var i = 0; i < parameters.Length; i++)
            {
                var p = command.CreateParameter();
                p.ParameterName = "@p" + i;
                p.Value = parameters[i];
                command.Parameters.Add(p);
            }

            var rows = new List<object?[]>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var row = new object?[reader.FieldCount];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                }

                rows.Add(row);
            }

            return rows;
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync();
            }
        }
    }
}
