using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Foundation.Testing;

/// <summary>Where a test database lives.</summary>
public abstract class TestDatabaseEngine
{
    public abstract string Provider { get; }

    public abstract string ConnectionString { get; }

    public abstract void Configure(DbContextOptionsBuilder options);

    public abstract Task CreateAsync();

    public abstract Task DropAsync();
}

/// <summary>A temporary SQLite file, deleted with its -wal, -shm and -journal files.</summary>
/// <param name="prefix">The file name's start (the package), for finding a leftover file.</param>
/// <param name="settings">Added to the connection string (for example <c>Pooling=False</c>, <c>Default Timeout=60</c>).</param>
/// <param name="wal">Put the file in WAL mode on creation, as Foundation.Hosting runs it.</param>
public sealed class SqliteTestEngine(string prefix, string settings, bool wal) : TestDatabaseEngine
{
    public string FilePath { get; } = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}.db");

    public override string Provider => "sqlite";

    public override string ConnectionString => $"Data Source={FilePath};{settings}";

    public override void Configure(DbContextOptionsBuilder options) => options.UseSqlite(ConnectionString);

    public override async Task CreateAsync()
    {
        if (wal)
        {
            await ExecuteAsync("PRAGMA journal_mode=WAL;");
        }
    }

    public override Task DropAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm", "-journal" })
        {
            File.Delete(FilePath + suffix);
        }

        return Task.CompletedTask;
    }

    /// <summary>Runs SQL on the file directly (no EF, no application).</summary>
    public async Task<int> ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    }
}

/// <summary>A fresh database on the PostgreSQL server of <c>FOUNDATION_TEST_POSTGRES</c>, dropped (forcibly) afterwards.</summary>
public sealed class PostgresTestEngine : TestDatabaseEngine
{
    public const string Variable = "FOUNDATION_TEST_POSTGRES";

    private readonly string _adminConnectionString;
    private readonly string _name;

    /// <param name="prefix">The database name's start (the package, for example <c>foundation_auth</c>).</param>
    /// <param name="maxPoolSize">The pool size of the tests' connection string, when they open more connections than the default allows.</param>
    public PostgresTestEngine(string prefix, int? maxPoolSize = null)
    {
        _adminConnectionString = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException($"{Variable} is not set: the PostgreSQL store tests need the real server; run ./eng/test.sh (it starts PostgreSQL and sets {Variable}).");
        _name = prefix + "_" + Guid.NewGuid().ToString("N")[..16];
        var builder = new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = _name };
        if (maxPoolSize is { } size)
        {
            builder.MaxPoolSize = size;
        }

        ConnectionString = builder.ConnectionString;
    }

    public override string Provider => "postgresql";

    public override string ConnectionString { get; }

    public override void Configure(DbContextOptionsBuilder options) => options.UseNpgsql(ConnectionString);

    public override Task CreateAsync() => AdminAsync($"CREATE DATABASE \"{_name}\"");

    public override async Task DropAsync()
    {
        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
        await AdminAsync($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)");
    }

    private async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
