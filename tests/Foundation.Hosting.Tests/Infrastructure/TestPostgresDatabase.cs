using Npgsql;

namespace Foundation.Hosting.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL database of a test class's own on the server <c>FOUNDATION_TEST_POSTGRES</c> names (./eng/test.sh starts it and
/// sets the variable): created empty, dropped with every connection to it at the end.
/// </summary>
public static class TestPostgresDatabase
{
    /// <summary>Creates <paramref name="database"/> and returns a connection string to it.</summary>
    public static async Task<string> CreateAsync(string database)
    {
        var admin = Environment.GetEnvironmentVariable("FOUNDATION_TEST_POSTGRES");
        admin.ShouldNotBeNullOrEmpty("FOUNDATION_TEST_POSTGRES is not set. Run the tests through ./eng/test.sh, which starts PostgreSQL 15 on 127.0.0.1 and sets it.");
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
    }

    /// <summary>Clears the pools and drops <paramref name="database"/> (a no-op without a server).</summary>
    public static async Task DropAsync(string database)
    {
        NpgsqlConnection.ClearAllPools();
        var admin = Environment.GetEnvironmentVariable("FOUNDATION_TEST_POSTGRES");
        if (!string.IsNullOrEmpty(admin))
        {
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
