using System.Net;
using System.Net.Sockets;

namespace Foundation.Llm.Routing.Storage;

/// <summary>Validation of stored base URLs and the address rule of outbound checks.</summary>
internal static class ProviderBaseUrls
{
    /// <summary>The validated base URL, or <see langword="null"/> when none was given (and none is required).</summary>
    public static Uri? Validate(string? value, ProviderKeyType provider, bool allowPrivate)
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

        if (!allowPrivate && IsPrivateHost(uri))
        {
            throw new ProviderKeyValidationException(
                "baseUrl",
                "baseUrl points at a loopback, private or link-local address, which this server does not call (Foundation:Llm:ProviderKeys:AllowPrivateNetworkBaseUrls).");
        }

        return uri;
    }

    private static bool IsPrivateHost(Uri uri)
    {
        if (uri.IsLoopback || string.Equals(uri.IdnHost, "localhost", StringComparison.OrdinalIgnoreCase)
            || uri.IdnHost.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var address) && IsPrivate(address);
    }

    /// <summary>Loopback, unspecified, RFC 1918, CGNAT, link-local (169.254/16, fe80::/10), unique-local (fc00::/7).</summary>
    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return b[0] == 10
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)
                || b[0] == 0;
        }

        return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal;
    }
}
