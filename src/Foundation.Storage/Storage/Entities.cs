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

/// <summary>A named value the package keeps (<c>storage_settings</c>): the generated link-signing key, protected.</summary>
public sealed class StorageSettingEntity
{
    /// <summary>The setting's name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The value.</summary>
    public string Value { get; set; } = string.Empty;
}

internal static class StorageColumnLengths
{
    public const int Id = 32;
    public const int TenantId = 128;
    public const int Name = 255;
    public const int ContentType = 128;
    public const int Sha256 = 64;
    public const int UserId = 128;
    public const int SettingName = 64;
    public const int SettingValue = 4096;
}
