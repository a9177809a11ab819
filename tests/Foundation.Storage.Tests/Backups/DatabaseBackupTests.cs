using Foundation.Storage.Backups;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Storage.Tests.Backups;

/// <summary>Backups of a real, live database on each engine, kept on the file system: restore, corruption, keys.</summary>
public abstract class DatabaseBackupTests(BackupDatabaseProvider provider) : IAsyncLifetime
{
    private readonly List<LiveDatabase> _databases = [];
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
    private string _folder = null!;

    protected LiveDatabase Source { get; private set; } = null!;

    protected FileSystemBackupTarget Target { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _folder = Backups.TempFolder();
        Target = new FileSystemBackupTarget(Path.Combine(_folder, "backups"));
        Source = await NewDatabaseAsync();
        await Source.InsertAsync(1, 3000);
    }

    public async Task DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    protected async Task<LiveDatabase> NewDatabaseAsync()
    {
        var database = await LiveDatabase.CreateAsync(provider);
        _databases.Add(database);
        return database;
    }

    private BackupService Service(LiveDatabase database, string activeKey = Backups.KeyA, params (string, string)[] keys) =>
        Backups.Service(Backups.Options(database, activeKey, 16, keys), Target, _time);

    [Fact]
    public async Task A_backup_taken_while_rows_are_written_restores_to_the_rows_at_snapshot_time()
    {
        BackupManifest manifest;
        long before, after;
        await using (var writer = new RowWriter(Source, 3000))
        {
            await writer.WaitForAsync(3020);
            before = writer.Committed;
            manifest = await Service(Source).BackupAsync();
            after = writer.Committed;
            await writer.WaitForAsync(after + 5); // still writing after the snapshot
        }

        manifest.Provider.ShouldBe(provider == BackupDatabaseProvider.Sqlite ? "sqlite" : "postgresql");
        manifest.KeyId.ShouldBe(Backups.KeyA);
        manifest.ChunkCount.ShouldBeGreaterThan(1);
        (await Target.ListAsync()).Order(StringComparer.Ordinal).ShouldBe([manifest.Id + ".fbk", manifest.Id + ".manifest.json"]);

        // Restored into another, empty database: every row committed before the backup started, no row after it ended, no gap, no torn row.
        var restoredDatabase = await NewDatabaseAsync();
        await Service(restoredDatabase).RestoreAsync(manifest.Id);
        var restored = await restoredDatabase.RowsAsync();
        var last = restored[^1].Id;
        last.ShouldBeInRange(before, after);
        restored.ShouldBe([.. Enumerable.Range(1, (int)last).Select(i => ((long)i, LiveDatabase.Payload(i)))]);
        (await Source.RowsAsync()).Count.ShouldBeGreaterThan((int)last); // the source went on
    }

    [Fact]
    public async Task One_flipped_byte_makes_verify_and_restore_refuse_naming_the_chunk_and_nothing_is_replaced()
    {
        var manifest = await Service(Source).BackupAsync();
        var target = await NewDatabaseAsync();
        await target.InsertAsync(1, 7);

        var file = Path.Combine(Target.Location, manifest.FileName);
        var (header, frame) = Backups.Layout(Backups.KeyA, 16);
        var offset = header + (2 * frame) + 100; // inside chunk 2's ciphertext
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[offset] ^= 0x01;
        await File.WriteAllBytesAsync(file, bytes);

        var verify = await Should.ThrowAsync<BackupCorruptedException>(() => Service(Source).VerifyAsync(manifest.Id));
        verify.ChunkIndex.ShouldBe(2);
        verify.Message.ShouldStartWith("Chunk 2 of the backup failed authentication");

        var restore = await Should.ThrowAsync<BackupCorruptedException>(() => Service(target).RestoreAsync(manifest.Id));
        restore.ChunkIndex.ShouldBe(2);
        restore.Message.ShouldContain("Nothing was restored");
        (await target.RowsAsync()).Select(r => r.Id).ShouldBe([1, 2, 3, 4, 5, 6, 7]);

        // The same through the command line: exit code 1 and the chunk named.
        var error = new StringWriter();
        var services = new ServiceCollection()
            .AddSingleton(Service(target)).BuildServiceProvider();
        (await BackupCommandLine.RunAsync(services, ["restore", manifest.Id], new StringWriter(), error)).ShouldBe(1);
        error.ToString().ShouldContain("Chunk 2 of the backup failed authentication");
        (await target.RowsAsync()).Count.ShouldBe(7);
    }

    [Fact]
    public async Task A_backup_under_a_key_id_the_configuration_lacks_is_refused_naming_the_id_and_rotation_keeps_old_ids_readable()
    {
        var old = await Service(Source).BackupAsync();

        // Rotation: a new active key; the old id stays configured and its backups still verify.
        var rotated = Service(Source, Backups.KeyB, (Backups.KeyA, Backups.KeyAValue), (Backups.KeyB, Backups.KeyBValue));
        var fresh = await rotated.BackupAsync();
        fresh.KeyId.ShouldBe(Backups.KeyB);
        (await rotated.VerifyAsync(old.Id)).KeyId.ShouldBe(Backups.KeyA);
        (await rotated.VerifyAsync(fresh.Id)).KeyId.ShouldBe(Backups.KeyB);

        // The old key removed: its backups are refused with the id named, before any chunk is read.
        var withoutOld = Service(Source, Backups.KeyB, (Backups.KeyB, Backups.KeyBValue));
        var unknown = await Should.ThrowAsync<BackupKeyException>(() => withoutOld.VerifyAsync(old.Id));
        unknown.Message.ShouldContain($"key id '{Backups.KeyA}'");
        unknown.Message.ShouldContain($"configured ids: {Backups.KeyB}");

        // The id configured with other bytes (a wrong key): chunk 0 fails authentication.
        var wrong = Service(Source, Backups.KeyA, (Backups.KeyA, Backups.KeyBValue));
        (await Should.ThrowAsync<BackupCorruptedException>(() => wrong.VerifyAsync(old.Id))).ChunkIndex.ShouldBe(0);
    }

    [Fact]
    public async Task Verify_and_restore_of_an_unknown_id_say_so()
    {
        var service = Service(Source);
        (await Should.ThrowAsync<BackupNotFoundException>(() => service.VerifyAsync("20260101T000000Z-00000000"))).Message.ShouldContain("There is no backup 20260101T000000Z-00000000");
        (await Should.ThrowAsync<BackupNotFoundException>(() => service.RestoreAsync("../../etc/passwd"))).Message.ShouldContain("is not a backup id");
        (await Should.ThrowAsync<BackupNotFoundException>(() => service.VerifyAsync("latest"))).Message.ShouldContain("There are no backups");
    }
}

public sealed class DatabaseBackupTestsOnSqlite() : DatabaseBackupTests(BackupDatabaseProvider.Sqlite)
{
    [Fact]
    public async Task A_restored_SQLite_file_is_byte_identical_to_a_snapshot_taken_the_same_way_and_the_old_file_is_kept_aside()
    {
        var manifest = await Backups.Service(Backups.Options(Source), Target, TimeProvider.System).BackupAsync();

        // With no writes since, SQLite's backup API copies the same pages again: the reference snapshot.
        var reference = Source.FilePath + ".reference";
        await using (var source = new SqliteConnection(Source.ConnectionString))
        await using (var copy = new SqliteConnection($"Data Source={reference};Pooling=False"))
        {
            await source.OpenAsync();
            await copy.OpenAsync();
            source.BackupDatabase(copy);
        }

        var target = await NewDatabaseAsync();
        await target.InsertAsync(1, 2);
        var result = await Backups.Service(Backups.Options(target), Target, TimeProvider.System).RestoreAsync(manifest.Id);

        result.DatabaseFile.ShouldBe(target.FilePath);
        (await File.ReadAllBytesAsync(target.FilePath)).ShouldBe(await File.ReadAllBytesAsync(reference));
        Backups.Sha256(target.FilePath).ShouldBe(manifest.PlaintextSha256);
        File.Exists(target.FilePath + "-wal").ShouldBeFalse();
        (await target.RowsAsync()).Count.ShouldBe(3000);

        // The database that was there is moved aside, with its write-ahead log, not deleted.
        result.PreviousDatabaseFile.ShouldNotBeNull();
        await using (var previous = new SqliteConnection($"Data Source={result.PreviousDatabaseFile};Pooling=False"))
        {
            await previous.OpenAsync();
            await using var command = previous.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM backup_rows";
            ((long)(await command.ExecuteScalarAsync())!).ShouldBe(2);
        }

        foreach (var f in Directory.GetFiles(Path.GetDirectoryName(target.FilePath)!, Path.GetFileName(target.FilePath) + "*"))
        {
            File.Delete(f);
        }

        File.Delete(reference);
    }
}

public sealed class DatabaseBackupTestsOnPostgres() : DatabaseBackupTests(BackupDatabaseProvider.PostgreSql);
