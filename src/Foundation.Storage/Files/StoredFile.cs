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
