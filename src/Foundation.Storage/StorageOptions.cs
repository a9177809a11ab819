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
