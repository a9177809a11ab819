namespace Foundation.Storage.Backups;

/// <summary>The database engines a backup can snapshot.</summary>
public enum BackupDatabaseProvider
{
    /// <summary>A SQLite file, copied with SQLite's online backup API while the application serves.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database, dumped with <c>pg_dump</c> (custom format) and restored with <c>pg_restore</c>.</summary>
    PostgreSql,
}

/// <summary>The database a backup snapshots.</summary>
public sealed class BackupDatabaseOptions
{
    /// <summary><c>Sqlite</c> or <c>PostgreSql</c>.</summary>
    public BackupDatabaseProvider Provider { get; set; } = BackupDatabaseProvider.Sqlite;

    /// <summary>The ADO.NET connection string (SQLite: <c>Data Source=...</c>; PostgreSQL: Npgsql's).</summary>
    public string? ConnectionString { get; set; }
}
