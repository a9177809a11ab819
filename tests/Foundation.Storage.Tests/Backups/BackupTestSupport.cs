using System.Data.Common;
using System.Security.Cryptography;
using Foundation.Storage.Backups;
using Foundation.Storage.Diagnostics;
using Foundation.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Foundation.Storage.Tests.Backups;

/// <summary>A real database to back up: a SQLite file in WAL mode (as Foundation.Hosting runs it) or a fresh PostgreSQL database.</summary>
public sealed class LiveDatabase : IAsyncDisposable
{
    private readonly TestDatabaseEngine _engine;

    private LiveDatabase(TestDatabaseEngine engine, BackupDatabaseProvider provider)
    {
        _engine = engine;
        Provider = provider;
    }

    public BackupDatabaseProvider Provider { get; }

    public string ConnectionString => _engine.ConnectionString;

    /// <summary>The SQLite file (SQLite only).</summary>
    public string FilePath => ((SqliteTestEngine)_engine).FilePath;

    public static async Task<LiveDatabase> CreateAsync(BackupDatabaseProvider provider)
    {
        TestDatabaseEngine engine = provider == BackupDatabaseProvider.Sqlite
            ? new SqliteTestEngine("foundation-backup-test", "Default Timeout=60", wal: true)
            : new PostgresTestEngine("foundation_backup");
        var database = new LiveDatabase(engine, provider);
        await engine.CreateAsync();
        await database.ExecuteAsync("CREATE TABLE backup_rows (id BIGINT PRIMARY KEY, payload TEXT NOT NULL)");
        return database;
    }

    public DbConnection Open() => Provider == BackupDatabaseProvider.Sqlite ? new SqliteConnection(ConnectionString) : new NpgsqlConnection(ConnectionString);

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The payload every row has: derived from its id, so a restored row can be checked on its own.</summary>
    public static string Payload(long id) => $"row-{id}-" + Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(id)));

    /// <summary>Inserts rows <paramref name="from"/> to <paramref name="to"/> (inclusive), one transaction.</summary>
    public async Task InsertAsync(long from, long to)
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        for (var id = from; id <= to; id++)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"INSERT INTO backup_rows (id, payload) VALUES ({id}, '{Payload(id)}')";
            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    /// <summary>Every row, by id.</summary>
    public async Task<List<(long Id, string Payload)>> RowsAsync()
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, payload FROM backup_rows ORDER BY id";
        var rows = new List<(long, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1)));
        }

        return rows;
    }

    public async ValueTask DisposeAsync() => await _engine.DropAsync();
}

/// <summary>Writes one row per transaction, ids 1, 2, 3, ... after <c>start</c>, until stopped; <see cref="Committed"/> is the last id committed.</summary>
public sealed class RowWriter : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _task;
    private long _committed;

    public RowWriter(LiveDatabase database, long start)
    {
        _committed = start;
        _task = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var next = Interlocked.Read(ref _committed) + 1;
                await database.InsertAsync(next, next);
                Interlocked.Exchange(ref _committed, next);
            }
        });
    }

    public long Committed => Interlocked.Read(ref _committed);

    /// <summary>Waits until row <paramref name="id"/> is committed (the writer is really running).</summary>
    public async Task WaitForAsync(long id)
    {
        while (Committed < id)
        {
            _task.IsFaulted.ShouldBeFalse(_task.Exception?.ToString());
            await Task.Yield();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _task;
        _stop.Dispose();
    }
}

/// <summary>Backup services over a database and a target, with keys and a fake clock.</summary>
public static class Backups
{
    public const string KeyA = "2026-a";
    public const string KeyB = "2026-b";

    public static readonly string KeyAValue = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    public static readonly string KeyBValue = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static BackupOptions Options(LiveDatabase database, string activeKey = KeyA, int chunkKiB = 16, params (string Id, string Value)[] keys)
    {
        var options = new BackupOptions
        {
            ActiveKeyId = activeKey,
            ChunkSizeKiB = chunkKiB,
            Database = new BackupDatabaseOptions { Provider = database.Provider, ConnectionString = database.ConnectionString },
        };
        foreach (var (id, value) in keys.Length == 0 ? [(KeyA, KeyAValue)] : keys)
        {
            options.Keys[id] = value;
        }

        return options;
    }

    public static BackupService Service(BackupOptions options, IBackupTarget target, TimeProvider time, StorageTelemetry? telemetry = null) =>
        new(Microsoft.Extensions.Options.Options.Create(new StorageOptions { Backups = options }), target, time, telemetry ?? new StorageTelemetry(null),
            NullLogger<BackupService>.Instance);

    public static string TempFolder() => Directory.CreateTempSubdirectory("foundation-backups-test-").FullName;

    public static string Sha256(string file) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));

    /// <summary>The header's length for a key id, and the length of each full chunk's frame, of format version 1.</summary>
    public static (int Header, int Frame) Layout(string keyId, int chunkKiB) => (8 + 1 + 1 + 4 + 32 + 1 + keyId.Length, 5 + (chunkKiB * 1024) + 16);
}
