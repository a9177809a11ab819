namespace Foundation.Storage.Storage;

/// <summary>Bytes and files a tenant keeps (<c>storage_usage</c>), changed only by conditional updates so the quota holds across instances.</summary>
public sealed class StorageUsageEntity
{
    /// <summary>The tenant.</summary>
    public string TenantId { get; set; } = string.Empty;

    /// <summary>Bytes stored.</summary>
    public long UsedBytes { get; set; }

    /// <summary>Files stored.</summary>
    public long FileCount { get; set; }
}
