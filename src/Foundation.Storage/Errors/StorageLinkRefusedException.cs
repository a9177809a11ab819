namespace Foundation.Storage.Files;

/// <summary>A signed link that was changed or has expired (403).</summary>
public sealed class StorageLinkRefusedException : StorageException
{
    /// <summary>Creates the exception.</summary>
    public StorageLinkRefusedException(string message)
        : base(403, "signature", message)
    {
    }
}
