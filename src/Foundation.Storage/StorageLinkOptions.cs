namespace Foundation.Storage;

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
