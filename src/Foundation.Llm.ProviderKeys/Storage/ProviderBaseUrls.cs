using Foundation.Llm.Routing.Outbound;

namespace Foundation.Llm.Routing.Storage;

/// <summary>
/// Validation of stored base URLs: an absolute http(s) URL without user info or fragment, whose host is not an address literal
/// (or <c>localhost</c> name) the outbound guard refuses. Names are not resolved here; <see cref="OutboundAddressPolicy.ConnectAsync"/>
/// checks what they resolve to on every connection.
/// </summary>
internal static class ProviderBaseUrls
{
    /// <summary>The validated base URL, or <see langword="null"/> when none was given (and none is required).</summary>
    public static Uri? Validate(string? value, ProviderKeyType provider, OutboundAddressPolicy policy)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (provider == ProviderKeyType.Custom)
            {
                throw new ProviderKeyValidationException("baseUrl", "baseUrl is required for a custom provider: the endpoint's absolute http(s) URL, such as https://llm.example.com/v1.");
            }

            return null;
        }

        var text = value.Trim();
        if (text.Length > LlmColumnLengths.BaseUrl
            || !Uri.TryCreate(text, UriKind.Absolute, out var uri)
            || (!string.Equals(uri.Scheme, Uri.UriSchemeHttp, StringComparison.Ordinal) && !string.Equals(uri.Scheme, Uri.UriSchemeHttps, StringComparison.Ordinal))
            || string.IsNullOrEmpty(uri.Host))
        {
            throw new ProviderKeyValidationException("baseUrl", "baseUrl must be an absolute http or https URL, such as https://llm.example.com/v1.");
        }

        if (uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new ProviderKeyValidationException("baseUrl", "baseUrl must not contain user information or a fragment; put the key in apiKey.");
        }

        try
        {
            policy.ThrowIfRefusedLiteral(uri);
        }
        catch (OutboundAddressRefusedException ex)
        {
            throw new ProviderKeyValidationException("baseUrl", ex.Message);
        }

        return uri;
    }
}
