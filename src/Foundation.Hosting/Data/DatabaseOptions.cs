namespace Foundation.Hosting;

/// <summary>The database Foundation's stores share, bound from <c>Foundation:Database</c>.</summary>
public sealed class DatabaseOptions
{
    /// <summary>
    /// <see cref="DatabaseProvider.Sqlite"/> (default: a file in the data directory) or
    /// <see cref="DatabaseProvider.PostgreSql"/> (several app instances on one database).
    /// </summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// The ADO.NET connection string. Optional for SQLite (default: <c>Data Source={DataDirectory}/foundation.db</c>);
    /// required for PostgreSQL.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Apply the migrations of every Foundation store when the host starts. Default <see langword="true"/>; turn it off
    /// to run them from a deployment step instead (resolve every <c>Foundation.Data.IStoreMigrator</c> and call <c>MigrateAsync</c>).
    /// </summary>
    public bool MigrateOnStartup { get; set; } = true;
}

/// <summary>The database engines Foundation's stores run on.</summary>
public enum DatabaseProvider
{
    /// <summary>SQLite: embedded, one file, one machine. The default.</summary>
    Sqlite = 0,

    /// <summary>PostgreSQL: the scale-out path, shared by several app instances.</summary>
    PostgreSql = 1,
}
