using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Foundation.Http;

/// <summary>
/// Marks every answer of an endpoint (or a group) as not to be stored by any cache: <c>Cache-Control: no-store</c> and,
/// for HTTP/1.0 caches, <c>Pragma: no-cache</c>. For answers that carry secrets (tokens, API keys, TOTP secrets,
/// recovery codes), as RFC 6749 section 5.1 asks of token responses. Shared source: compiled (internal) into each package
/// whose endpoints answer secrets. The headers are set before the handler runs, so
/// they are on every answer the endpoint gives, its problem answers included.
/// </summary>
internal sealed class NoStoreEndpointFilter : IEndpointFilter
{
    /// <summary>The <c>Cache-Control</c> value sent.</summary>
    public const string CacheControlValue = "no-store";

    /// <summary>The one instance (the filter has no state).</summary>
    public static readonly NoStoreEndpointFilter Instance = new();

    /// <inheritdoc />
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        Apply(context.HttpContext.Response);
        return next(context);
    }

    /// <summary>Sets the headers on <paramref name="response"/>.</summary>
    public static void Apply(HttpResponse response)
    {
        response.Headers[HeaderNames.CacheControl] = CacheControlValue;
        response.Headers[HeaderNames.Pragma] = "no-cache";
    }
}

/// <summary>Adds <see cref="NoStoreEndpointFilter"/> to endpoints.</summary>
internal static class NoStoreEndpointConventionBuilderExtensions
{
    /// <summary>Every answer of <paramref name="builder"/>'s endpoints gets <c>Cache-Control: no-store</c>.</summary>
    public static TBuilder WithNoStore<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
        => builder.AddEndpointFilter(NoStoreEndpointFilter.Instance);
}
