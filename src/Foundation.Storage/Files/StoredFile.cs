using System.Text.Json.Serialization;

namespace Foundation.Storage.Files;

/// <summary>A stored file's metadata, as the API returns it.</summary>
/// <param name="Id">The file's id.</param>
/// <param name="Name">The name the client gave (display only).</param>
/// <param name="ContentType">The type detected from the content.</param>
/// <param name="Size">The size in bytes.</param>
/// <param name="Sha256">SHA-256 of the content, lower-case hex.</param>
/// <param name="CreatedAt">When it was stored.</param>
public sealed record StoredFile(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("contentType")] string ContentType,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt);

/// <summary>One page of files, newest first.</summary>
/// <param name="Items">The files.</param>
/// <param name="NextPageToken">Pass as <c>pageToken</c> for the next page; <see langword="null"/> on the last page.</param>
public sealed record StoredFilePage(
    [property: JsonPropertyName("items")] IReadOnlyList<StoredFile> Items,
    [property: JsonPropertyName("nextPageToken")] string? NextPageToken);

/// <summary>A signed, expiring download link.</summary>
/// <param name="Url">The link (an S3 presigned URL, or the package's own content endpoint with a signature).</param>
/// <param name="ExpiresAt">When it stops working.</param>
public sealed record StorageLink(
    [property: JsonPropertyName("url")] Uri Url,
    [property: JsonPropertyName("expiresAt")] DateTimeOffset ExpiresAt);

/// <summary>What to upload: the content and what the client said about it.</summary>
public sealed class FileUpload
{
    /// <summary>Creates an upload of <paramref name="content"/>.</summary>
    public FileUpload(Stream content)
    {
        ArgumentNullException.ThrowIfNull(content);
        Content = content;
    }

    /// <summary>The content, read once.</summary>
    public Stream Content { get; }

    /// <summary>The name the client gave; reduced to its last path segment and printable characters, never used as a path.</summary>
    public string? FileName { get; init; }

    /// <summary>The type the client declared; when given (and not application/octet-stream) it must match the detected type.</summary>
    public string? DeclaredContentType { get; init; }

    /// <summary>The length the client declared; the content must have exactly that many bytes.</summary>
    public long? DeclaredLength { get; init; }
}

/// <summary>A thumbnail made on request of a stored image.</summary>
/// <param name="File">The image it was made of.</param>
/// <param name="ContentType">The thumbnail's type (the file's own; GIF gives PNG).</param>
/// <param name="Content">The encoded thumbnail.</param>
/// <param name="Width">Its width in pixels.</param>
/// <param name="Height">Its height in pixels.</param>
public sealed record StorageThumbnail(StoredFile File, string ContentType, ReadOnlyMemory<byte> Content, int Width, int Height);
