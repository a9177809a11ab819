namespace Foundation.Storage.Content;

/// <summary>The content types Foundation.Storage recognises by their bytes.</summary>
public static class ContentTypes
{
    /// <summary>JPEG.</summary>
    public const string Jpeg = "image/jpeg";

    /// <summary>PNG.</summary>
    public const string Png = "image/png";

    /// <summary>GIF (87a and 89a).</summary>
    public const string Gif = "image/gif";

    /// <summary>WebP.</summary>
    public const string WebP = "image/webp";

    /// <summary>PDF.</summary>
    public const string Pdf = "application/pdf";

    /// <summary>Word (Office Open XML).</summary>
    public const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    /// <summary>Excel (Office Open XML).</summary>
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>PowerPoint (Office Open XML).</summary>
    public const string Pptx = "application/vnd.openxmlformats-officedocument.presentationml.presentation";

    /// <summary>UTF-8 (or ASCII) text without control characters.</summary>
    public const string PlainText = "text/plain";

    /// <summary>What bytes no rule recognises are called; never on an allow list.</summary>
    public const string Unknown = "application/octet-stream";

    /// <summary>Every type the detector recognises.</summary>
    public static IReadOnlyList<string> All { get; } = [Jpeg, Png, Gif, WebP, Pdf, Docx, Xlsx, Pptx, PlainText];
}
