namespace Foundation.Storage.Backups;

/// <summary>A backup could not be made, read or restored; the message says what to do.</summary>
public class BackupException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BackupException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public BackupException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public BackupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The backup's bytes are not what was written: a chunk failed authentication, is cut short, is out of place, or the stored file's or
/// the snapshot's SHA-256 differs from the manifest. Nothing was replaced.
/// </summary>
public sealed class BackupCorruptedException : BackupException
{
    /// <summary>Creates the exception.</summary>
    public BackupCorruptedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public BackupCorruptedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public BackupCorruptedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception naming the chunk that failed (0-based), when one did.</summary>
    public BackupCorruptedException(string message, long? chunkIndex)
        : base(message) => ChunkIndex = chunkIndex;

    /// <summary>The 0-based index of the chunk that failed, when the failure is in a chunk.</summary>
    public long? ChunkIndex { get; }
}

/// <summary>The backup names a key id the configuration does not have (or no key is configured to write with).</summary>
public sealed class BackupKeyException : BackupException
{
    /// <summary>Creates the exception.</summary>
    public BackupKeyException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public BackupKeyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public BackupKeyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>No backup has the id asked for.</summary>
public sealed class BackupNotFoundException : BackupException
{
    /// <summary>Creates the exception.</summary>
    public BackupNotFoundException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public BackupNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public BackupNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
