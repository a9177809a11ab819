using Microsoft.AspNetCore.Http;

namespace Foundation.Llm.Routing.Endpoints;

/// <summary>
/// Endpoint metadata of the OpenAI-compatible surface (<c>/v1/*</c>): its errors, whoever raises them (the exception
/// handler, status-code pages, the rate limiter, authorization), are written in OpenAI's shape
/// <c>{"error":{"message","type","param","code"}}</c> instead of RFC 9457 problem details.
/// </summary>
internal sealed class OpenAIErrorShapeMetadata
{
    public static readonly OpenAIErrorShapeMetadata Instance = new();

    private OpenAIErrorShapeMetadata()
    {
    }
}

/// <summary>Which requests answer errors in OpenAI's shape.</summary>
internal static class OpenAIErrorShape
{
    /// <summary>
    /// The prefix of the OpenAI-compatible routes. Every answer under it is in OpenAI's shape, also where no gateway
    /// endpoint ran: no route matched (404, 405), or routing refused the Content-Type (415).
    /// </summary>
    public static readonly PathString Prefix = new("/v1");

    public static bool Applies(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<OpenAIErrorShapeMetadata>() is not null
        || context.Request.Path.StartsWithSegments(Prefix, StringComparison.OrdinalIgnoreCase);
}
