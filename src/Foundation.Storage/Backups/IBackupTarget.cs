namespace Foundation.Storage.Backups;

/// <summary>
/// Where backups and their manifests are kept: the file system (<see cref="FileSystemBackupTarget"/>) or an S3 bucket
/// (<see cref="S3BackupTarget"/>). Names are the package's (<c>{id}.fbk</c>, <c>{id}.manifest.json</c>), never a caller's path.
/// </summary>
public interface IBackupTarget
{
    /// <summary>Stores the local file <paramref name="localFile"/> as <paramref name="name"/>, replacing nothing half-written.</summary>
    Task UploadAsync(string name, string localFile, CancellationToken cancellationToken = default);

    /// <summary>Opens <paramref name="name"/> for reading; <see cref="FileNotFoundException"/> when there is none.</summary>
    Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The names of everything in the target.</summary>
    Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes <paramref name="name"/>; nothing happens when there is none.</summary>
    Task DeleteAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Where the target is, for messages (a folder, or <c>s3://bucket/prefix</c>).</summary>
    string Location { get; }
}
