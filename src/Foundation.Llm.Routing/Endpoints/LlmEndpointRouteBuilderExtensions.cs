using Foundation.Llm.Routing.Endpoints;

namespace Microsoft.AspNetCore.Routing;

/// <summary>Maps Foundation.Llm.Routing's HTTP API: the OpenAI-compatible gateway and the app's own chat endpoint.</summary>
public static class LlmEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the OpenAI-compatible gateway over the router (the container's <c>IChatClient</c>): <c>POST /v1/chat/completions</c>
    /// (plain and <c>stream: true</c>) and <c>GET /v1/models</c>. A request must carry a credential the host's default
    /// authentication scheme accepts (<c>Authorization: Bearer ...</c>, as the OpenAI SDKs send it); every error the gateway
    /// answers itself (401, a body that is not JSON or not valid Unicode, an invalid request, the router's and providers' failures)
    /// is in OpenAI's shape <c>{"error":{"message","type","param","code"}}</c>. For errors raised outside the handlers (404, 405,
    /// 415, a rate limiter's 429, an exception handler's 500) register <c>AddFoundationLlmGatewayErrors()</c>. Returns the
    /// <c>/v1</c> group, so the host can prefix it, rate-limit it or add authorization.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    public static RouteGroupBuilder MapFoundationLlmGateway(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return GatewayEndpoints.MapGatewayEndpoints(endpoints);
    }

    /// <summary>
    /// Maps <c>POST /api/v1/llm/chat</c>, the chat endpoint of the app's own UI: <c>{model?, messages, stream?}</c> answered as
    /// JSON or as server-sent events (<c>delta</c>, <c>done</c>, <c>error</c>), errors as RFC 9457 problems. It requires the
    /// <c>FoundationPolicies.UserSession</c> policy (Foundation.Auth registers it: a signed-in user's session, not an API key).
    /// Returns the <c>/api/v1/llm</c> group.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    public static RouteGroupBuilder MapFoundationLlmApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return LlmChatEndpoints.MapLlmChatEndpoints(endpoints);
    }
}
