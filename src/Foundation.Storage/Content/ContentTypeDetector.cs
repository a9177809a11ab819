using System.Text.Unicode;

namespace Foundation.Storage.Content;

/// <summary>
/// Names a file's type from its first bytes (magic numbers), never from its name or the type the client declared. Office Open XML is a ZIP
/// whose first entry is <c>[Content_Types].xml</c>; which application is read from the part names in the sample.
/// </summary>
public static class ContentTypeDetector
{
    /// <summary>How many leading bytes the detector looks at.</summary>
    public const int SampleSize = 16 * 1024;

    /// <summary>The detected type of content starting with <paramref name="sample"/>, or <see cref="ContentTypes.Unknown"/>.</summary>
    /// <param name="sample">The first bytes of the content (up to <see cref="SampleSize"/>).</param>
    /// <param name="isWholeContent">Whether <paramref name="sample"/> is all of the content (a text file may then not end mid-character).</param>
    public static string Detect(ReadOnlySpan<byte> sample, bool isWholeContent)
    {
        if (sample.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return ContentTypes.Jpeg;
        }

        if (sample.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return ContentTypes.Png;
        }

        if (sample.StartsWith("GIF87a"u8) || sample.StartsWith("GIF89a"u8))
        {
            return ContentTypes.Gif;
        }

        if (sample.Length >= 12 && sample.StartsWith("RIFF"u8) && sample.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return ContentTypes.WebP;
        }

        if (sample.StartsWith("%PDF-"u8))
        {
            return ContentTypes.Pdf;
        }

        if (sample.StartsWith("PK\x03\x04"u8))
        {
            return DetectOfficeOpenXml(sample);
        }

        return IsText(sample, isWholeContent) ? ContentTypes.PlainText : ContentTypes.Unknown;
    }

    private static string DetectOfficeOpenXml(ReadOnlySpan<byte> sample)
    {
        // Local file header: the name's length at offset 26, the name at 30.
        if (sample.Length < 30)
        {
            return ContentTypes.Unknown;
        }

        var nameLength = sample[26] | (sample[27] << 8);
        if (sample.Length < 30 + nameLength || !sample.Slice(30, nameLength).SequenceEqual("[Content_Types].xml"u8))
        {
            return ContentTypes.Unknown;
        }

        return sample.IndexOf("word/"u8) >= 0 ? ContentTypes.Docx
            : sample.IndexOf("xl/"u8) >= 0 ? ContentTypes.Xlsx
            : sample.IndexOf("ppt/"u8) >= 0 ? ContentTypes.Pptx
            : ContentTypes.Unknown;
    }

    private static bool IsText(ReadOnlySpan<byte> sample, bool isWholeContent)
    {
        if (sample.IsEmpty)
        {
            return false;
        }

        if (sample.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            sample = sample[3..];
        }

        // A sample cut from a longer file may end inside a multi-byte character: drop that tail before decoding.
        if (!isWholeContent)
        {
            var cut = sample.Length;
            for (var i = 1; i <= 3 && i <= sample.Length; i++)
            {
                var b = sample[^i];
                if ((b & 0xC0) == 0xC0)
                {
                    var needed = (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : 4;
                    if (needed > i)
                    {
                        cut = sample.Length - i;
                    }

                    break;
                }

                if ((b & 0x80) == 0)
                {
                    break;
                }
            }

            sample = sample[..cut];
        }

        if (!Utf8.IsValid(sample))
        {
            return false;
        }

        foreach (var b in sample)
        {
            if (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0C) || b == 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The media type of a Content-Type header value without parameters, lower case; <see langword="null"/> when absent.</summary>
    internal static string? MediaType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return null;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        return (semicolon >= 0 ? contentType[..semicolon] : contentType).Trim().ToLowerInvariant();
    }
}
