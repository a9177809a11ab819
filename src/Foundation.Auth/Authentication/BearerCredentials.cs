using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.Authentication;

/// <summary>Reads the credential headers, and chooses the scheme of the <c>Bearer</c> policy scheme.</summary>
internal static class BearerCredentials
{
    internal const string BearerScheme = "Bearer";

    /// <summary>Whether <paramref name="value"/> (trimmed) starts with the <c>Bearer</c> scheme, in any case, then a space or tab or nothing.</summary>
    public static bool IsBearer(ReadOnlySpan<char> value) =>
        value.StartsWith(BearerScheme, StringComparison.OrdinalIgnoreCase)
        && (value.Length == BearerScheme.Length || value[BearerScheme.Length] == ' ' || value[BearerScheme.Length] == '\t');

    /// <summary>The token of the request's only <c>Authorization: Bearer</c> header, when there is exactly one with a non-empty token.</summary>
    public static bool TryGetBearerToken(HttpRequest request, out string token)
    {
        token = string.Empty;
        var authorization = request.Headers.Authorization;
        if (authorization.Count != 1)
        {
            return false;
        }

        var value = (authorization[0] ?? string.Empty).AsSpan().Trim();
        if (!IsBearer(value))
        {
            return false;
        }

        token = value[BearerScheme.Length..].Trim().ToString();
        return token.Length > 0;
    }

    /// <summary>
    /// The <c>ForwardDefaultSelector</c> of the <c>Bearer</c> policy scheme: <see cref="FoundationAuthenticationDefaults.AccessTokenScheme"/>
    /// for exactly one <c>Authorization: Bearer</c> header with a token that is not an API key and no <c>X-API-Key</c> header
    /// (when that header is accepted); <see cref="FoundationAuthenticationDefaults.ApiKeyScheme"/> for everything else, whose
    /// handler also refuses malformed and conflicting headers and answers the challenge of a request without credentials.
    /// </summary>
    public static string SelectScheme(HttpContext context)
    {
        if (!TryGetBearerToken(context.Request, out var token)
            || token.StartsWith(FoundationAuthenticationDefaults.ApiKeyPrefix, StringComparison.Ordinal))
        {
            return FoundationAuthenticationDefaults.ApiKeyScheme;
        }

        if (context.Request.Headers.ContainsKey(FoundationAuthenticationDefaults.ApiKeyHeader)
            && context.RequestServices.GetRequiredService<IOptionsMonitor<FoundationBearerOptions>>()
                .Get(FoundationAuthenticationDefaults.ApiKeyScheme).AcceptApiKeyHeader)
        {
            return FoundationAuthenticationDefaults.ApiKeyScheme;
        }

        return FoundationAuthenticationDefaults.AccessTokenScheme;
    }
}
