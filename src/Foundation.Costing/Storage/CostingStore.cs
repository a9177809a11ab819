using Foundation.Internal;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Costing.Storage;

/// <summary>Resolves the store, and runs the few raw statements EF Core cannot express (INSERT .. ON CONFLICT DO NOTHING) on both engines.</summary>
internal static class CostingStore
{
    public const string NoStoreMessage =
        "Foundation.Costing has no store: call .UseSqlite(connectionString), .UseNpgsql(connectionString) or .UseDbContext(...) on the builder that AddFoundationCosting() returns.";

    /// <summary>The store: PostgreSQL advisory lock key 0x466F756E03 (decision 0007).</summary>
    public static readonly StoreDefinition<CostingDbContext> Store = new("costing", 0x46_6F_75_6E_03, NoStoreMessage);

    public static bool HasStore(IServiceProvider services) =>
        services.GetService<IServiceProviderIsService>()?.IsService(typeof(CostingDbContext)) ?? false;

    /// <summary>A parameter value as the model stores it: SQLite keeps timestamps as UTC ticks and GUIDs as upper-case text.</summary>
    public static object Value(CostingDbContext db, DateTimeOffset value) => db.IsSqlite ? value.UtcTicks : value.ToUniversalTime();

    /// <inheritdoc cref="Value(CostingDbContext, DateTimeOffset)"/>
    public static object Value(CostingDbContext db, Guid value) => db.IsSqlite ? value.ToString().ToUpperInvariant() : value;

    /// <summary>Runs <paramref name="sql"/> (parameters <c>@p0</c>, <c>@p1</c>, ...) in the context's current transaction.</summary>
    public static async Task<int> ExecuteAsync(CostingDbContext db, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }

        var command = connection.CreateCommand();
        await using var commandScope = command.ConfigureAwait(false);
#pragma warning disable CA2100 // the SQL is built from constants of this assembly; values are parameters
        command.CommandText = sql;
#pragma warning restore CA2100
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        for (var i = 0; i < parameters.Length; i++)
        {
            var p = command.CreateParameter();
            p.ParameterName = "@p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            p.Value = parameters[i];
            command.Parameters.Add(p);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
