using Microsoft.Net.Http.Headers;

namespace Foundation.Storage.Http;

/// <summary>Content-Disposition values for downloads.</summary>
internal static class ContentDispositions
{
    /// <summary><c>attachment</c> with the name as a quoted ASCII <c>filename</c> and an RFC 5987 <c>filename*</c>.</summary>
    public static string Attachment(string fileName)
    {
        var value = new ContentDispositionHeaderValue("attachment");
        value.SetHttpFileName(fileName);
        return value.ToString();
    }
}
