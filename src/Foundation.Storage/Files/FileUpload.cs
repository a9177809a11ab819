namespace Foundation.Storage.Files;

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
