namespace Foundation.Storage.Blobs;

/// <summary>
/// Where file content lives. Keys are ids the package generates (32 lower-case hex digits), never a caller's path, so no key can leave the
/// store's root. A write either stores all of the content or nothing: a write that fails (a limit exceeded mid-stream, a broken request,
/// a backend error) leaves no partial object behind.
/// </summary>
public interface IBlobStore
{
    /// <summary>Stores all of <paramref name="content"/> under <paramref name="key"/>, reading it once, with memory independent of its size.</summary>
    /// <returns>The number of bytes stored.</returns>
    Task<long> WriteAsync(string key, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Opens the content of <paramref name="key"/> for reading; <see cref="FileNotFoundException"/> when there is none.</summary>
    Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Whether <paramref name="key"/> has content.</summary>
    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Removes the content of <paramref name="key"/>; nothing happens when there is none.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// A URL the backend itself serves until <paramref name="expiresAt"/> (an S3 presigned GET), or <see langword="null"/> when the backend
    /// has none (the file system: the package then signs a link to its own endpoint).
    /// </summary>
    Task<Uri?> GetReadUrlAsync(string key, DateTimeOffset expiresAt, string contentType, string fileName, CancellationToken cancellationToken = default);
}
