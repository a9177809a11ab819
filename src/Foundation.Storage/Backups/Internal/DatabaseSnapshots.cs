using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Foundation.Storage.Backups.Internal;

/// <summary>SQLite: a snapshot through the online backup API, and a restore that swaps a verified file into place.</summary>
internal static class SqliteSnapshot
{
    public static string FileOf(string connectionString)
    {
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (string.IsNullOrWhiteSpace(dataSource) || dataSource.Equals(":memory:", StringComparison.OrdinalIgnoreCase))
        {
            throw new BackupException($"Foundation:Storage:Backups:Database:ConnectionString names no database file ('{dataSource}'); an in-memory database cannot be backed up.");
        }

        return Path.GetFullPath(dataSource);
    }

    /// <summary>Copies the database page by page while other connections keep reading and writing; the copy is one consistent state.</summary>
    public static async Task TakeAsync(string connectionString, string destination, CancellationToken cancellationToken)
    {
        var file = FileOf(connectionString);
        if (!File.Exists(file))
        {
            throw new BackupException($"The SQLite database {file} does not exist; nothing to back up.");
        }

        var source = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadOnly }.ToString());
        await using (source.ConfigureAwait(false))
        {
            await source.OpenAsync(cancellationToken).ConfigureAwait(false);
            var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = destination, Pooling = false }.ToString());
            await using (target.ConfigureAwait(false))
            {
                await target.OpenAsync(cancellationToken).ConfigureAwait(false);
                source.BackupDatabase(target);
            }
        }
    }

    /// <summary>Runs SQLite's integrity check on a restored file before it is put in place.</summary>
    public static async Task CheckAsync(string file, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = "PRAGMA integrity_check;";
                var result = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                if (!string.Equals(result, "ok", StringComparison.Ordinal))
                {
                    throw new BackupCorruptedException($"The restored SQLite file fails SQLite's integrity check ({result}); nothing was replaced.");
                }
            }
        }
    }

    /// <summary>
    /// Moves the current database (and its -wal and -shm) aside as <c>{file}.before-restore-{stamp}</c>, then renames the verified file into
    /// place (same folder: an atomic rename). Returns the path the old database was moved to, or null when there was none.
    /// </summary>
    public static string? Swap(string verifiedFile, string databaseFile, string stamp)
    {
        SqliteConnection.ClearAllPools();
        string? aside = null;
        if (File.Exists(databaseFile))
        {
            aside = databaseFile + ".before-restore-" + stamp;
            File.Move(databaseFile, aside);
        }

        foreach (var suffix in new[] { "-wal", "-shm", "-journal" })
        {
            if (File.Exists(databaseFile + suffix))
            {
                // Never left beside the restored file: SQLite would replay the old write-ahead log onto it.
                File.Move(databaseFile + suffix, (aside ?? databaseFile + ".before-restore-" + stamp) + suffix);
            }
        }

        File.Move(verifiedFile, databaseFile);
        return aside;
    }
}

/// <summary>PostgreSQL: pg_dump (custom format) and pg_restore, given the connection through libpq's environment variables.</summary>
internal static class PostgresSnapshot
{
    public static Task TakeAsync(BackupOptions options, string connectionString, string destination, CancellationToken cancellationToken) =>
        RunAsync(options.PgDumpPath, connectionString, ["--format=custom", "--compress=0", "--no-password", "--file", destination], "pg_dump", cancellationToken);

    /// <summary>Reads the archive's table of contents: a damaged or foreign file fails here, before anything is restored.</summary>
    public static Task CheckAsync(BackupOptions options, string connectionString, string archive, CancellationToken cancellationToken) =>
        RunAsync(options.PgRestorePath, connectionString, ["--list", archive], "pg_restore --list", cancellationToken, withDatabase: false);

    /// <summary>Replaces the database's objects with the archive's in one transaction: on any error nothing changes.</summary>
    public static Task RestoreAsync(BackupOptions options, string connectionString, string archive, CancellationToken cancellationToken) =>
        RunAsync(options.PgRestorePath, connectionString,
            ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", "--no-password", "--dbname", Database(connectionString), archive],
            "pg_restore", cancellationToken);

    private static string Database(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString).Database is { Length: > 0 } db
            ? db
            : throw new BackupException("Foundation:Storage:Backups:Database:ConnectionString names no database (Database=...).");

    private static async Task RunAsync(string program, string connectionString, string[] arguments, string what, CancellationToken cancellationToken, bool withDatabase = true)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (withDatabase)
        {
            if (string.Equals(what, "pg_dump", StringComparison.Ordinal))
            {
                start.ArgumentList.Add(Database(connectionString));
            }

            Set(start, "PGHOST", builder.Host);
            Set(start, "PGPORT", builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Set(start, "PGUSER", builder.Username);
            Set(start, "PGPASSWORD", builder.Password);
            Set(start, "PGSSLMODE", builder.SslMode switch
            {
                SslMode.Disable => "disable",
                SslMode.Allow => "allow",
                SslMode.Require => "require",
                SslMode.VerifyCA => "verify-ca",
                SslMode.VerifyFull => "verify-full",
                _ => "prefer",
            });
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new BackupException($"{program} did not start.");
        }
        catch (Win32Exception e)
        {
            throw new BackupException($"{program} could not be started ({e.Message}): install the PostgreSQL client tools of the server's major version (Debian: postgresql-client) or set Foundation:Storage:Backups:{(what.StartsWith("pg_dump", StringComparison.Ordinal) ? "PgDumpPath" : "PgRestorePath")}.", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            await stdout.ConfigureAwait(false);
            var errors = (await stderr.ConfigureAwait(false)).Trim();
            if (process.ExitCode != 0)
            {
                throw new BackupException($"{what} failed with exit code {process.ExitCode}: {errors}");
            }
        }
    }

    private static void Set(ProcessStartInfo start, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            start.Environment[name] = value;
        }
    }
}
