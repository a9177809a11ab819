namespace Foundation.Storage;

/// <summary>What one tenant may store; unset values fall back to the package-wide ones.</summary>
public sealed class StorageTenantOptions
{
    /// <summary>The largest file this tenant may upload, in bytes.</summary>
    public long? MaxFileBytes { get; set; }

    /// <summary>The most bytes this tenant may keep in total; 0 means no quota.</summary>
    public long? QuotaBytes { get; set; }

    /// <summary>The content types this tenant may upload (detected by content).</summary>
    public List<string>? AllowedTypes { get; set; }
}
