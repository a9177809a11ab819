namespace Foundation.Storage.Backups;

/// <summary>Where backups are kept.</summary>
public enum BackupTargetKind
{
    /// <summary>A folder (<see cref="BackupOptions.Path"/>; Foundation.Hosting: <c>{DataDirectory}/backups</c>).</summary>
    FileSystem,

    /// <summary>The S3 bucket of <c>Foundation:Storage:S3</c> (or <see cref="BackupOptions.S3Bucket"/>) under <see cref="BackupOptions.S3Prefix"/>.</summary>
    S3,
}

/// <summary>Encrypted, scheduled backups of the suite's database, bound from <c>Foundation:Storage:Backups</c>.</summary>
public sealed class BackupOptions
{
    /// <summary>Run backups on <see cref="Schedule"/> in a hosted service. Default false: backups then run only when asked for (command line).</summary>
    public bool Enabled { get; set; }

    /// <summary>A cron expression (five fields, UTC) of when to back up. Default <c>0 * * * *</c>: every hour on the hour.</summary>
    public string Schedule { get; set; } = "0 * * * *";

    /// <summary>The database to back up. Foundation.Hosting fills it from <c>Foundation:Database</c> when left empty.</summary>
    public BackupDatabaseOptions Database { get; set; } = new();

    /// <summary>Where backups are kept: <c>FileSystem</c> (default) or <c>S3</c>.</summary>
    public BackupTargetKind Target { get; set; } = BackupTargetKind.FileSystem;

    /// <summary>The folder of the file-system target (created with mode 0700). Foundation.Hosting defaults it to <c>{DataDirectory}/backups</c>.</summary>
    public string? Path { get; set; }

    /// <summary>The bucket of the S3 target; empty uses <c>Foundation:Storage:S3:Bucket</c>. The client is configured by <c>Foundation:Storage:S3</c>.</summary>
    public string? S3Bucket { get; set; }

    /// <summary>The key prefix of backups in the bucket (default <c>backups/</c>).</summary>
    public string S3Prefix { get; set; } = "backups/";

    /// <summary>Encryption keys by id: base64 of 32 random bytes each (<c>openssl rand -base64 32</c>). Old ids stay to decrypt old backups.</summary>
    public Dictionary<string, string> Keys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The id in <see cref="Keys"/> new backups are encrypted with.</summary>
    public string? ActiveKeyId { get; set; }

    /// <summary>The plaintext size of each authenticated chunk, in KiB (default 1024; 16 to 65536).</summary>
    public int ChunkSizeKiB { get; set; } = 1024;

    /// <summary>Grandfather-father-son retention applied after every scheduled backup.</summary>
    public BackupRetentionOptions Retention { get; set; } = new();

    /// <summary>The <c>pg_dump</c> program (default: found on PATH). Its major version must not be older than the server's.</summary>
    public string PgDumpPath { get; set; } = "pg_dump";

    /// <summary>The <c>pg_restore</c> program (default: found on PATH).</summary>
    public string PgRestorePath { get; set; } = "pg_restore";
}
