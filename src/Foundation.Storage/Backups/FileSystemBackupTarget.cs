namespace Foundation.Storage.Backups;

/// <summary>Backups in a folder (created with mode 0700 on Linux and macOS); files are written under a temporary name, then renamed.</summary>
public sealed class FileSystemBackupTarget : IBackupTarget
{
    /// <summary>Keeps backups in <paramref name="directory"/>.</summary>
    public FileSystemBackupTarget(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Location = Path.GetFullPath(directory);
    }

    /// <inheritdoc />
    public string Location { get; }

    /// <inheritdoc />
    public async Task UploadAsync(string name, string localFile, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        EnsureDirectory();
        var temporary = path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            var source = new FileStream(localFile, FileMode.Open, FileAccess.Read, FileShare.Read, 81_920, FileOptions.Asynchronous);
            await using (source.ConfigureAwait(false))
            {
                var target = new FileStream(temporary, options);
                await using (target.ConfigureAwait(false))
                {
                    await source.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
                    await target.FlushAsync(cancellationToken).ConfigureAwait(false);
                    target.Flush(flushToDisk: true);
                }
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{name} is not in {Location}.", path);
        }

        return Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81_920, FileOptions.Asynchronous));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> names = Directory.Exists(Location)
            ? [.. Directory.EnumerateFiles(Location).Select(Path.GetFileName).OfType<string>().Where(n => !n.Contains(".tmp-", StringComparison.Ordinal))]
            : [];
        return Task.FromResult(names);
    }

    /// <inheritdoc />
    public Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        File.Delete(PathOf(name));
        return Task.CompletedTask;
    }

    private void EnsureDirectory()
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(Location);
        }
        else
        {
            Directory.CreateDirectory(Location, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private string PathOf(string name)
    {
        Internal.BackupNameCheck.Validate(name);
        return Path.Combine(Location, name);
    }
}
