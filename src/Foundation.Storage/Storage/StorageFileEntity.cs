namespace Foundation.Storage.Storage;

/// <summary>A stored file's metadata (<c>storage_files</c>).</summary>
public sealed class StorageFileEntity
{
    /// <summary>The file id as 32 lower-case hex digits: also the blob key.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>The owning tenant (empty for none).</summary>
    public string TenantId { get; set; } = string.Empty;

    /// <summary>The name the client gave (display only; never a path).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The type detected from the content.</summary>
    public string ContentType { get; set; } = string.Empty;

    /// <summary>The size in bytes.</summary>
    public long Size { get; set; }

    /// <summary>SHA-256 of the content, lower-case hex.</summary>
    public string Sha256 { get; set; } = string.Empty;

    /// <summary>When it was stored.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The user who uploaded it.</summary>
    public string? CreatedBy { get; set; }
}
