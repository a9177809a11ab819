using Foundation.Hosting.Data;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Foundation.Hosting;

/// <summary>
/// Where Foundation keeps local state: <see cref="FoundationOptions.DataDirectory"/> resolved against the
/// content root and created on first use, readable by its owner only (mode 0700 on Linux and macOS).
/// </summary>
public sealed class FoundationPaths
{
    /// <summary>Resolves the data directory from the options and the host's content root.</summary>
    public FoundationPaths(IOptions<FoundationOptions> options, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        DataDirectory = Resolve(options.Value.DataDirectory, environment.ContentRootPath);
        PrivateFiles.CreateDirectory(DataDirectory);
        KeysDirectory = options.Value.DataProtection.KeysDirectory is { Length: > 0 } keys
            ? Resolve(keys, environment.ContentRootPath)
            : Path.Combine(DataDirectory, "keys");
    }

    /// <summary>The absolute path of the data directory (exists; created with mode 0700 when it did not).</summary>
    public string DataDirectory { get; }

    /// <summary>The default SQLite database file.</summary>
    public string DefaultSqliteFile => Path.Combine(DataDirectory, "foundation.db");

    /// <summary>The folder the Data Protection key ring is kept in.</summary>
    public string KeysDirectory { get; }

    internal static string Resolve(string dataDirectory, string contentRoot) =>
        Path.GetFullPath(Path.IsPathRooted(dataDirectory) ? dataDirectory : Path.Combine(contentRoot, dataDirectory));
}
