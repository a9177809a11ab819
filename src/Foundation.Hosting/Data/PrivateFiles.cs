using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Foundation.Hosting.Data;

/// <summary>
/// Files and folders of local state (the SQLite database, the Data Protection key ring) created readable by their
/// owner only: folders 0700, files 0600 (on Windows they inherit the folder's ACL, as every file there does).
/// Existing ones are left as they are; an operator may have chosen their mode.
/// </summary>
internal static class PrivateFiles
{
    /// <summary>rwx------ (0700).</summary>
    public const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>rw------- (0600).</summary>
    public const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Any permission for the group or for others.</summary>
    public const UnixFileMode GroupOrOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Creates <paramref name="path"/> (and missing parents) with mode 0700 unless it exists.</summary>
    public static void CreateDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, OwnerOnlyDirectory);
        }
    }

    /// <summary>Creates an empty file with mode 0600 unless it exists; true when this call created it.</summary>
    public static bool CreateFile(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.ReadWrite };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        try
        {
            using var stream = new FileStream(path, options);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
    }

    /// <summary>The Unix mode of an existing file or folder, or null on Windows.</summary>
    public static UnixFileMode? ModeOf(string path) => OperatingSystem.IsWindows() ? null : File.GetUnixFileMode(path);

    /// <summary>A mode as the octal digits of <c>chmod</c> (<c>0600</c>).</summary>
    public static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8).PadLeft(3, '0');
}

/// <summary>
/// Prepares the SQLite database file of a connection string before SQLite opens it: SQLite creates a missing file with
/// mode 0644 (less the umask), readable by every local user; this creates it first, empty (which SQLite reads as an empty
/// database), with mode 0600, in a 0700 folder when the folder is missing too. SQLite gives the <c>-wal</c> and
/// <c>-shm</c> files it creates beside it the database file's mode. An existing file that the group or others may read is
/// kept as it is, with a warning. Done once per connection string.
/// </summary>
internal sealed partial class SqliteDatabaseFile(ILogger<SqliteDatabaseFile> logger)
{
    private readonly ConcurrentDictionary<string, bool> _prepared = new(StringComparer.Ordinal);

    public void Prepare(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString) || _prepared.ContainsKey(connectionString))
        {
            return;
        }

        if (FilePath(connectionString) is { } path)
        {
            if (File.Exists(path))
            {
                if (PrivateFiles.ModeOf(path) is { } mode && (mode & PrivateFiles.GroupOrOthers) != UnixFileMode.None)
                {
                    LogReadableByOthers(logger, path, PrivateFiles.Octal(mode));
                }
            }
            else
            {
                if (Path.GetDirectoryName(path) is { Length: > 0 } directory)
                {
                    PrivateFiles.CreateDirectory(directory);
                }

                PrivateFiles.CreateFile(path);
            }
        }

        _prepared.TryAdd(connectionString, true);
    }

    /// <summary>
    /// The file a SQLite connection string opens and may create, or null: in-memory databases, URI file names,
    /// <c>|DataDirectory|</c> paths and modes that never create a file are left to SQLite.
    /// </summary>
    internal static string? FilePath(string connectionString)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException)
        {
            return null;
        }

        var source = builder.DataSource;
        if (builder.Mode != SqliteOpenMode.ReadWriteCreate
            || string.IsNullOrWhiteSpace(source)
            || string.Equals(source, ":memory:", StringComparison.Ordinal)
            || source.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
            || source.StartsWith("|DataDirectory|", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        // Microsoft.Data.Sqlite resolves a relative name against the app's DataDirectory when one is set, else SQLite
        // against the working directory.
        if (!Path.IsPathRooted(source) && AppContext.GetData("DataDirectory") is string dataDirectory && dataDirectory.Length > 0)
        {
            source = Path.Combine(dataDirectory, source);
        }

        return Path.GetFullPath(source);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "The SQLite database {Path} has mode {Mode}: other local users can read it. Foundation creates it 0600; run chmod 600 on it (and its -wal and -shm files) unless that is intended")]
    private static partial void LogReadableByOthers(ILogger logger, string path, string mode);
}
