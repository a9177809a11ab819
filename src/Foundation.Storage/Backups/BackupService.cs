using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Foundation.Storage.Backups.Internal;
using Foundation.Storage.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Foundation.Storage.Backups;

/// <summary>
/// Backs up the suite's database (SQLite's online backup API while the app serves, or pg_dump), compresses and encrypts it in
/// authenticated chunks, stores it with its manifest in the <see cref="IBackupTarget"/>, verifies it, restores it, and applies retention.
/// </summary>
public sealed partial class BackupService
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };
    private readonly IOptions<StorageOptions> _options;
    private readonly IBackupTarget _target;
    private readonly TimeProvider _time;
    private readonly StorageTelemetry _telemetry;
    private readonly ILogger<BackupService> _logger;

    /// <summary>Creates the service.</summary>
    public BackupService(IOptions<StorageOptions> options, IBackupTarget target, TimeProvider time, StorageTelemetry telemetry, ILogger<BackupService> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _target = target;
        _time = time;
        _telemetry = telemetry;
        _logger = logger;
    }

    private BackupOptions Options => _options.Value.Backups;

    /// <summary>Where backups are kept.</summary>
    public string Location => _target.Location;

    /// <summary>Takes a snapshot of the database now, encrypts it with the active key and stores it with its manifest.</summary>
    public async Task<BackupManifest> BackupAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var manifest = await BackupCoreAsync(cancellationToken).ConfigureAwait(false);
            _telemetry.Backups.Add(1, new KeyValuePair<string, object?>("outcome", "success"));
            _telemetry.LastBackupSuccess = manifest.CreatedAt;
            LogBackedUp(_logger, manifest.Id, manifest.PlaintextBytes, manifest.StoredBytes, _target.Location);
            return manifest;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _telemetry.Backups.Add(1, new KeyValuePair<string, object?>("outcome", "failure"));
            throw;
        }
    }

    private async Task<BackupManifest> BackupCoreAsync(CancellationToken cancellationToken)
    {
        var options = Options;
        var (keyId, key) = ActiveKey(options);
        var (provider, connectionString) = Database(options);
        var createdAt = _time.GetUtcNow();
        var id = createdAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var work = Directory.CreateTempSubdirectory("foundation-backup-");
        try
        {
            var snapshot = Path.Combine(work.FullName, "snapshot");
            if (provider == BackupDatabaseProvider.Sqlite)
            {
                await SqliteSnapshot.TakeAsync(connectionString, snapshot, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await PostgresSnapshot.TakeAsync(options, connectionString, snapshot, cancellationToken).ConfigureAwait(false);
            }

            var encrypted = Path.Combine(work.FullName, "backup");
            long chunks;
            string plainHash, storedHash;
            long plainBytes, storedBytes;
            var input = new HashingStream(File.OpenRead(snapshot));
            await using (input.ConfigureAwait(false))
            {
                var output = new HashingStream(new FileStream(encrypted, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81_920, FileOptions.Asynchronous));
                await using (output.ConfigureAwait(false))
                {
                    chunks = await BackupFormat.EncryptAsync(input, output, keyId, key, options.ChunkSizeKiB * 1024, cancellationToken).ConfigureAwait(false);
                    await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                    storedHash = output.HexHash();
                    storedBytes = output.Bytes;
                }

                plainHash = input.HexHash();
                plainBytes = input.Bytes;
            }

            var manifest = new BackupManifest
            {
                Id = id,
                CreatedAt = createdAt,
                Provider = provider == BackupDatabaseProvider.Sqlite ? "sqlite" : "postgresql",
                PlaintextBytes = plainBytes,
                PlaintextSha256 = plainHash,
                StoredBytes = storedBytes,
                StoredSha256 = storedHash,
                KeyId = keyId,
                ChunkCount = chunks,
            };
            var manifestFile = Path.Combine(work.FullName, "manifest.json");
            await File.WriteAllBytesAsync(manifestFile, JsonSerializer.SerializeToUtf8Bytes(manifest, s_json), cancellationToken).ConfigureAwait(false);

            // The backup first, the manifest last: a manifest in the target means the backup beside it is complete.
            await _target.UploadAsync(manifest.FileName, encrypted, cancellationToken).ConfigureAwait(false);
            await _target.UploadAsync(id + BackupNames.ManifestSuffix, manifestFile, cancellationToken).ConfigureAwait(false);
            return manifest;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>Every backup with a manifest in the target, newest first.</summary>
    public async Task<IReadOnlyList<BackupManifest>> ListAsync(CancellationToken cancellationToken = default)
    {
        var manifests = new List<BackupManifest>();
        foreach (var name in await _target.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (name.EndsWith(BackupNames.ManifestSuffix, StringComparison.Ordinal))
            {
                manifests.Add(await ManifestAsync(name[..^BackupNames.ManifestSuffix.Length], cancellationToken).ConfigureAwait(false));
            }
        }

        return [.. manifests.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id, StringComparer.Ordinal)];
    }

    /// <summary>The manifest of backup <paramref name="id"/> (<c>latest</c>: the newest).</summary>
    public async Task<BackupManifest> ManifestAsync(string id, CancellationToken cancellationToken = default)
    {
        if (string.Equals(id, "latest", StringComparison.OrdinalIgnoreCase))
        {
            return await ListAsync(cancellationToken).ConfigureAwait(false) is [var newest, ..]
                ? newest
                : throw new BackupNotFoundException($"There are no backups in {_target.Location}.");
        }

        BackupNames.ValidateId(id);
        try
        {
            var stream = await _target.OpenReadAsync(id + BackupNames.ManifestSuffix, cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                return await JsonSerializer.DeserializeAsync<BackupManifest>(stream, s_json, cancellationToken).ConfigureAwait(false)
                    ?? throw new BackupCorruptedException($"The manifest of backup {id} is empty.");
            }
        }
        catch (FileNotFoundException e)
        {
            throw new BackupNotFoundException($"There is no backup {id} in {_target.Location}; list them with the 'list' command.", e);
        }
        catch (JsonException e)
        {
            throw new BackupCorruptedException($"The manifest of backup {id} is not valid JSON ({e.Message}).", e);
        }
    }

    /// <summary>
    /// Reads backup <paramref name="id"/> through: authenticates every chunk, decompresses, and checks both SHA-256 against the manifest.
    /// Replaces nothing. Throws <see cref="BackupCorruptedException"/> (naming the chunk that failed) or <see cref="BackupKeyException"/>.
    /// </summary>
    public async Task<BackupManifest> VerifyAsync(string id, CancellationToken cancellationToken = default)
    {
        var manifest = await ManifestAsync(id, cancellationToken).ConfigureAwait(false);
        await DecryptAsync(manifest, Stream.Null, cancellationToken).ConfigureAwait(false);
        LogVerified(_logger, manifest.Id);
        return manifest;
    }

    /// <summary>
    /// Restores backup <paramref name="id"/> over the configured database, after verifying all of it: SQLite: decrypted to a file beside the
    /// database, hashes and SQLite's integrity check passed, then the old file is moved aside and the new one renamed into place;
    /// PostgreSQL: decrypted and hashed, its archive read by <c>pg_restore --list</c>, then restored in one transaction.
    /// Stop the application first: a running app keeps its connections to the old database.
    /// </summary>
    public async Task<BackupRestoreResult> RestoreAsync(string id, CancellationToken cancellationToken = default)
    {
        var manifest = await ManifestAsync(id, cancellationToken).ConfigureAwait(false);
        var (provider, connectionString) = Database(Options);
        var expected = provider == BackupDatabaseProvider.Sqlite ? "sqlite" : "postgresql";
        if (!string.Equals(manifest.Provider, expected, StringComparison.Ordinal))
        {
            throw new BackupException($"Backup {manifest.Id} is a {manifest.Provider} backup; the configured database is {expected}.");
        }

        if (provider == BackupDatabaseProvider.Sqlite)
        {
            var databaseFile = SqliteSnapshot.FileOf(connectionString);
            var folder = Path.GetDirectoryName(databaseFile)!;
            Directory.CreateDirectory(folder);
            var restored = Path.Combine(folder, Path.GetFileName(databaseFile) + ".restore-" + Guid.NewGuid().ToString("N"));
            try
            {
                await DecryptToFileAsync(manifest, restored, cancellationToken).ConfigureAwait(false);
                await SqliteSnapshot.CheckAsync(restored, cancellationToken).ConfigureAwait(false);
                var aside = SqliteSnapshot.Swap(restored, databaseFile, _time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
                LogRestored(_logger, manifest.Id, databaseFile);
                return new BackupRestoreResult(manifest, databaseFile, aside);
            }
            finally
            {
                // The integrity check's read-only connection leaves the (empty) -wal and -shm of the checked file behind.
                foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
                {
                    File.Delete(restored + suffix);
                }
            }
        }

        var work = Directory.CreateTempSubdirectory("foundation-restore-");
        try
        {
            var archive = Path.Combine(work.FullName, "archive");
            await DecryptToFileAsync(manifest, archive, cancellationToken).ConfigureAwait(false);
            await PostgresSnapshot.CheckAsync(Options, connectionString, archive, cancellationToken).ConfigureAwait(false);
            await PostgresSnapshot.RestoreAsync(Options, connectionString, archive, cancellationToken).ConfigureAwait(false);
            LogRestored(_logger, manifest.Id, "PostgreSQL");
            return new BackupRestoreResult(manifest, null, null);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>Deletes the backups grandfather-father-son retention does not keep; returns their ids.</summary>
    public async Task<IReadOnlyList<string>> ApplyRetentionAsync(CancellationToken cancellationToken = default)
    {
        var backups = await ListAsync(cancellationToken).ConfigureAwait(false);
        var keep = BackupRetention.Keep(backups, Options.Retention);
        var deleted = new List<string>();
        foreach (var backup in backups.Where(b => !keep.Contains(b.Id)))
        {
            // The manifest first: a backup without its manifest is no longer listed, even if deleting the file fails.
            await _target.DeleteAsync(backup.Id + BackupNames.ManifestSuffix, cancellationToken).ConfigureAwait(false);
            await _target.DeleteAsync(backup.FileName, cancellationToken).ConfigureAwait(false);
            deleted.Add(backup.Id);
        }

        return deleted;
    }

    private async Task DecryptToFileAsync(BackupManifest manifest, string file, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var output = new FileStream(file, options);
        await using (output.ConfigureAwait(false))
        {
            await DecryptAsync(manifest, output, cancellationToken).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            output.Flush(flushToDisk: true);
        }
    }

    private async Task DecryptAsync(BackupManifest manifest, Stream destination, CancellationToken cancellationToken)
    {
        Stream raw;
        try
        {
            raw = await _target.OpenReadAsync(manifest.FileName, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException e)
        {
            throw new BackupNotFoundException($"Backup {manifest.Id} has a manifest but no file {manifest.FileName} in {_target.Location}.", e);
        }

        var stored = new HashingStream(raw);
        await using (stored.ConfigureAwait(false))
        {
            var plain = new HashingStream(destination, leaveOpen: true);
            await using (plain.ConfigureAwait(false))
            {
                var chunks = await BackupFormat.DecryptAsync(stored, Key, plain, cancellationToken).ConfigureAwait(false);
                var storedHash = stored.HexHash();
                var plainHash = plain.HexHash();
                if (!string.Equals(storedHash, manifest.StoredSha256, StringComparison.Ordinal) || stored.Bytes != manifest.StoredBytes)
                {
                    throw new BackupCorruptedException($"Backup {manifest.Id}: the stored file's SHA-256 ({storedHash}) differs from the manifest's ({manifest.StoredSha256}).");
                }

                if (!string.Equals(plainHash, manifest.PlaintextSha256, StringComparison.Ordinal) || plain.Bytes != manifest.PlaintextBytes || chunks != manifest.ChunkCount)
                {
                    throw new BackupCorruptedException($"Backup {manifest.Id}: the decrypted snapshot (SHA-256 {plainHash}, {chunks} chunks) differs from the manifest's ({manifest.PlaintextSha256}, {manifest.ChunkCount} chunks).");
                }
            }
        }
    }

    private byte[] Key(string keyId)
    {
        var keys = Options.Keys;
        if (!keys.TryGetValue(keyId, out var value))
        {
            throw new BackupKeyException(
                $"The backup is encrypted with key id '{keyId}', which Foundation:Storage:Backups:Keys does not have (configured ids: {(keys.Count == 0 ? "none" : string.Join(", ", keys.Keys.Order(StringComparer.Ordinal)))}). Add the key under Foundation:Storage:Backups:Keys:{keyId}; keep retired keys there as long as backups made with them are kept.");
        }

        return Decode(keyId, value);
    }

    private static (string KeyId, byte[] Key) ActiveKey(BackupOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ActiveKeyId))
        {
            throw new BackupKeyException("Foundation:Storage:Backups:ActiveKeyId is empty: set it to the id of a key in Foundation:Storage:Backups:Keys (base64 of 32 random bytes: openssl rand -base64 32).");
        }

        if (!options.Keys.TryGetValue(options.ActiveKeyId, out var value))
        {
            throw new BackupKeyException($"Foundation:Storage:Backups:ActiveKeyId is '{options.ActiveKeyId}', which is not in Foundation:Storage:Backups:Keys.");
        }

        return (options.ActiveKeyId, Decode(options.ActiveKeyId, value));
    }

    private static byte[] Decode(string keyId, string value) =>
        StorageOptionsValidator.TryDecode(value, out var bytes) && bytes.Length == 32
            ? bytes
            : throw new BackupKeyException($"Foundation:Storage:Backups:Keys:{keyId} is not base64 of exactly 32 bytes (openssl rand -base64 32).");

    private static (BackupDatabaseProvider Provider, string ConnectionString) Database(BackupOptions options) =>
        options.Database.ConnectionString is { Length: > 0 } cs
            ? (options.Database.Provider, cs)
            : throw new BackupException("Foundation:Storage:Backups:Database:ConnectionString is empty: name the database to back up (Foundation.Hosting fills it from Foundation:Database).");

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Backup {Id} stored ({PlaintextBytes} bytes, {StoredBytes} stored) in {Location}")]
    private static partial void LogBackedUp(ILogger logger, string id, long plaintextBytes, long storedBytes, string location);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Backup {Id} verified")]
    private static partial void LogVerified(ILogger logger, string id);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Backup {Id} restored over {Database}")]
    private static partial void LogRestored(ILogger logger, string id, string database);
}

/// <summary>What a restore did.</summary>
/// <param name="Manifest">The backup restored.</param>
/// <param name="DatabaseFile">SQLite: the database file replaced.</param>
/// <param name="PreviousDatabaseFile">SQLite: where the database that was there before was moved (null when there was none).</param>
public sealed record BackupRestoreResult(BackupManifest Manifest, string? DatabaseFile, string? PreviousDatabaseFile);
