using System.Security.Cryptography;

namespace Foundation.Storage.Blobs;

/// <summary>
/// Blobs as files under a root folder: <c>{root}/{key[0..2]}/{key}</c>, folders mode 0700 and files mode 0600 on Linux and macOS. A write
/// goes to a temporary file in the same folder and is renamed into place only when complete, so a reader never sees half a file and a failed
/// write leaves nothing.
/// </summary>
public sealed class FileSystemBlobStore : IBlobStore
{
    private const int BufferSize = 81_920;
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the store over <paramref name="rootPath"/> (created when missing).</summary>
    public FileSystemBlobStore(string rootPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootPath);
        RootPath = Path.GetFullPath(rootPath);
        CreateDirectory(RootPath);
    }

    /// <summary>The absolute root folder.</summary>
    public string RootPath { get; }

    /// <inheritdoc />
    public async Task<long> WriteAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = PathOf(key);
        var folder = Path.GetDirectoryName(path)!;
        CreateDirectory(folder);
        var temp = Path.Combine(folder, "." + key + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + ".partial");
        try
        {
            long written;
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Options = FileOptions.Asynchronous,
                BufferSize = 0,
            };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = FileMode600;
            }

            var file = new FileStream(temp, options);
            await using (file.ConfigureAwait(false))
            {
                await content.CopyToAsync(file, BufferSize, cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                written = file.Length;
            }

            File.Move(temp, path, overwrite: false);
            return written;
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return Task.FromResult(stream);
        }
        catch (DirectoryNotFoundException ex)
        {
            // The key's shard folder does not exist yet: the key has no content, which the contract reports as FileNotFoundException.
            throw new FileNotFoundException($"There is no blob {key}.", ex);
        }
    }

    /// <inheritdoc />
    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => Task.FromResult(File.Exists(PathOf(key)));

    /// <inheritdoc />
    public Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        if (Directory.Exists(Path.GetDirectoryName(path)))
        {
            // File.Delete is quiet about a missing file but throws when its folder is missing too.
            File.Delete(path);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<Uri?> GetReadUrlAsync(string key, DateTimeOffset expiresAt, string contentType, string fileName, CancellationToken cancellationToken = default) =>
        Task.FromResult<Uri?>(null);

    private string PathOf(string key)
    {
        BlobKeys.Validate(key);
        var shard = key.Length >= 2 ? key[..2] : key;
        return Path.Combine(RootPath, shard, key);
    }

    private static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, DirectoryMode);
        }
    }
}
