using System.Text.Json.Serialization;

namespace Foundation.Storage.Files;

/// <summary>A signed, expiring download link.</summary>
/// <param name="Url">The link (an S3 presigned URL, or the package's own content endpoint with a signature).</param>
/// <param name="ExpiresAt">When it stops working.</param>
public sealed record StorageLink(
    [property: JsonPropertyName("url")] Uri Url,
    [property: JsonPropertyName("expiresAt")] DateTimeOffset ExpiresAt);
