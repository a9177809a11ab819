namespace Foundation.Storage;

/// <summary>Where Foundation.Storage keeps file content.</summary>
public enum StorageProvider
{
    /// <summary>Files under <see cref="StorageOptions.RootPath"/> on the local file system (the default).</summary>
    FileSystem,

    /// <summary>Objects in an S3 (or S3-compatible) bucket: <see cref="StorageOptions.S3"/>.</summary>
    S3,
}

/// <summary>Options of Foundation.Storage, bound from <c>Foundation:Storage</c>.</summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section: <c>Foundation:Storage</c>.</summary>
    public const string SectionName = "Foundation:Storage";

    /// <summary>The content types the detector recognises; the default allow list.</summary>
    public static readonly IReadOnlyList<string> DetectableTypes = Content.ContentTypes.All;

    /// <summary>Where content is kept: <c>FileSystem</c> (default) or <c>S3</c>.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.FileSystem;

    /// <summary>
    /// The folder of the file-system backend (created with mode 0700). Foundation.Hosting defaults it to <c>{DataDirectory}/files</c>;
    /// a host without Foundation.Hosting sets it (relative paths resolve against the current directory).
    /// </summary>
    public string? RootPath { get; set; }

    /// <summary>The largest file accepted, in bytes (default 104,857,600 = 100 MiB). A tenant entry may lower or raise it.</summary>
    public long MaxFileBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>The most bytes one tenant may keep in total (default 1 GiB); 0 means no quota.</summary>
    public long TenantQuotaBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>
    /// The content types accepted, as detected from the bytes (never from the name or the declared type). Default: every detectable type
    /// (image/jpeg, image/png, image/gif, image/webp, application/pdf, the three Office Open XML types, text/plain).
    /// </summary>
    public List<string> AllowedTypes { get; set; } = [];

    /// <summary>Per-tenant overrides, keyed by tenant id.</summary>
    public Dictionary<string, StorageTenantOptions> Tenants { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Signed, expiring download links.</summary>
    public StorageLinkOptions Links { get; set; } = new();

    /// <summary>The S3 backend (used when <see cref="Provider"/> is <c>S3</c>).</summary>
    public StorageS3Options S3 { get; set; } = new();

    /// <summary>Processing of uploaded images and thumbnails with SkiaSharp (<c>Foundation:Storage:Images</c>).</summary>
    public global::Foundation.Storage.Images.StorageImageOptions Images { get; set; } = new();

    /// <summary>Encrypted backups of the suite's database (<c>Foundation:Storage:Backups</c>).</summary>
    public global::Foundation.Storage.Backups.BackupOptions Backups { get; set; } = new();

    /// <summary>
    /// The authorization policy the HTTP API requires; empty (the default) requires an authenticated caller. Signed links are checked
    /// by their signature instead.
    /// </summary>
    public string? Policy { get; set; }

    internal IReadOnlyList<string> EffectiveAllowedTypes(string tenantId) =>
        Tenants.TryGetValue(tenantId, out var t) && t.AllowedTypes is { Count: > 0 } tenantTypes ? tenantTypes
        : AllowedTypes.Count > 0 ? AllowedTypes : DetectableTypes;

    internal long EffectiveMaxFileBytes(string tenantId) =>
        Tenants.TryGetValue(tenantId, out var t) && t.MaxFileBytes is { } max ? max : MaxFileBytes;

    internal long EffectiveQuotaBytes(string tenantId) =>
        Tenants.TryGetValue(tenantId, out var t) && t.QuotaBytes is { } quota ? quota : TenantQuotaBytes;
}

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

/// <summary>Signed, expiring download links.</summary>
public sealed class StorageLinkOptions
{
    /// <summary>How long a link stays valid when the request names no lifetime (default 300 seconds).</summary>
    public int DefaultLifetimeSeconds { get; set; } = 300;

    /// <summary>The longest lifetime a caller may ask for (default 86,400 seconds; S3 allows at most 604,800).</summary>
    public int MaxLifetimeSeconds { get; set; } = 86_400;

    /// <summary>
    /// Base64 of at least 32 random bytes: the HMAC-SHA256 key of file-system links. Leave empty to have the package generate one and keep it,
    /// protected by the registered <c>ISecretProtector</c> (Data Protection in Foundation.Hosting), in <c>storage_settings</c>.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// The public base address file-system links start with (for example <c>https://files.example.com</c>); empty uses the scheme and host
    /// of the request that asked for the link.
    /// </summary>
    public string? PublicBaseUrl { get; set; }
}

/// <summary>The S3 backend.</summary>
public sealed class StorageS3Options
{
    /// <summary>The bucket (must exist).</summary>
    public string? Bucket { get; set; }

    /// <summary>The region (default us-east-1).</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>The endpoint of an S3-compatible server (MinIO, s3rver, ...); empty for AWS.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Path-style addressing (<c>host/bucket/key</c>), which most S3-compatible servers need. Default false.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>The access key id; empty uses the SDK's default credential chain (environment, profile, instance role).</summary>
    public string? AccessKeyId { get; set; }

    /// <summary>The secret access key (with <see cref="AccessKeyId"/>).</summary>
    public string? SecretAccessKey { get; set; }

    /// <summary>A prefix put before every object key (for example <c>files/</c>).</summary>
    public string KeyPrefix { get; set; } = string.Empty;

    /// <summary>The size of each part of a multipart upload, in MiB (default 8; S3 needs at least 5). Memory per upload stays at one part.</summary>
    public int PartSizeMiB { get; set; } = 8;
}
