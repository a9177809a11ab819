using System.Text;
using Foundation.Storage.Content;

namespace Foundation.Storage.Files;

/// <summary>Turns a client's file name into a display name: last path segment only, no control characters, at most 255 characters.</summary>
internal static class FileNames
{
    public static string Clean(string? name, string contentType)
    {
        var value = name ?? string.Empty;
        var slash = value.LastIndexOfAny(['/', '\\']);
        if (slash >= 0)
        {
            value = value[(slash + 1)..];
        }

        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (!char.IsControl(c) && c is not ('"' or '<' or '>'))
            {
                builder.Append(c);
            }
        }

        value = builder.ToString().Trim();
        if (value is "" or "." or "..")
        {
            value = "file" + contentType switch
            {
                ContentTypes.Jpeg => ".jpg",
                ContentTypes.Png => ".png",
                ContentTypes.Gif => ".gif",
                ContentTypes.WebP => ".webp",
                ContentTypes.Pdf => ".pdf",
                ContentTypes.Docx => ".docx",
                ContentTypes.Xlsx => ".xlsx",
                ContentTypes.Pptx => ".pptx",
                ContentTypes.PlainText => ".txt",
                _ => string.Empty,
            };
        }

        return value.Length > 255 ? value[..255] : value;
    }
}
