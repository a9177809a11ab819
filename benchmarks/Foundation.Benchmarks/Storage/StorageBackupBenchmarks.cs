using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Foundation.Storage.Backups;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Benchmarks.Storage;

/// <summary>
/// Backup and restore of a 100 MB SQLite database to a folder target (issue 14 item 8): the backup is SQLite's online backup API into a
/// temporary file, gzip, AES-256-GCM in 1 MiB authenticated chunks and the manifest; the restore decrypts and verifies everything, runs
/// <c>PRAGMA integrity_check</c> and swaps the file. The database holds 100,000 rows of 1 KB, half random (incompressible) and half
/// repeated text, so the compression does realistic work. One operation is a whole backup or restore: a monitoring job.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class StorageBackupBenchmarks
{
    private string _work = "";
    private string _database = "";
    private string _backups = "";
    private ServiceProvider _services = null!;
    private BackupService _backup = null!;
    private string _restoreId = "";

    /// <summary>The database file's size after setup, in bytes (printed by setup).</summary>
    public long DatabaseBytes { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        _work = Directory.CreateTempSubdirectory("foundation-bench-backup-").FullName;
        _database = Path.Combine(_work, "app.db");
        _backups = Path.Combine(_work, "backups");
        CreateDatabase(_database, rows: 100_000);
        DatabaseBytes = new FileInfo(_database).Length;
        Console.WriteLine($"// database: {DatabaseBytes} bytes");

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(new SteppingClock());
        services.AddFoundationStorage(o =>
        {
            o.RootPath = Path.Combine(_work, "files");
            o.Backups.Database.Provider = BackupDatabaseProvider.Sqlite;
            o.Backups.Database.ConnectionString = "Data Source=" + _database;
            o.Backups.Path = _backups;
            o.Backups.Keys["k1"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            o.Backups.ActiveKeyId = "k1";
        });
        _services = services.BuildServiceProvider();
        _backup = _services.GetRequiredService<BackupService>();
        _restoreId = _backup.BackupAsync().GetAwaiter().GetResult().Id;
    }

    [Benchmark(Description = "backup 100 MB SQLite to a folder")]
    public async Task<long> Backup() => (await _backup.BackupAsync()).StoredBytes;

    [Benchmark(Description = "restore (verify, integrity check, swap)")]
    public async Task<string?> Restore() => (await _backup.RestoreAsync(_restoreId)).DatabaseFile;

    /// <summary>Keeps the disk from filling: backups other than the one restored, and the databases a restore set aside.</summary>
    [IterationCleanup]
    public void DeleteProducts()
    {
        foreach (var file in Directory.GetFiles(_backups))
        {
            if (!Path.GetFileName(file).StartsWith(_restoreId, StringComparison.Ordinal))
            {
                File.Delete(file);
            }
        }

        foreach (var file in Directory.GetFiles(_work, "app.db.before-restore-*"))
        {
            File.Delete(file);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_work, recursive: true);
    }

    private static void CreateDatabase(string path, int rows)
    {
        using var connection = new SqliteConnection("Data Source=" + path);
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE events (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, payload BLOB NOT NULL, note TEXT NOT NULL);";
            pragma.ExecuteNonQuery();
        }

        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO events (tenant, payload, note) VALUES ($tenant, $payload, $note)";
        var tenant = insert.Parameters.Add("$tenant", SqliteType.Text);
        var payload = insert.Parameters.Add("$payload", SqliteType.Blob);
        var note = insert.Parameters.Add("$note", SqliteType.Text);
        var random = new Random(14);
        var bytes = new byte[512];
        for (var i = 0; i < rows; i++)
        {
            random.NextBytes(bytes);
            tenant.Value = "tenant-" + (i % 50);
            payload.Value = bytes;
            note.Value = string.Concat(Enumerable.Repeat("user signed in from the usual place; ", 13));
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
        using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        checkpoint.ExecuteNonQuery();
    }

    /// <summary>A clock one minute further on each reading: backup ids and set-aside names (both by the second) never collide between iterations.</summary>
    private sealed class SteppingClock : TimeProvider
    {
        private long _minutes;

        public override DateTimeOffset GetUtcNow() =>
            new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero).AddMinutes(Interlocked.Increment(ref _minutes));
    }
}
