using System.Globalization;
using Foundation.Llm.Routing.Errors;
using Foundation.Llm.Routing.Outbound;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Llm.Routing.Endpoints;

/// <summary>How an LLM failure is answered: the HTTP status, OpenAI's error <c>type</c> and <c>code</c>, and a wait.</summary>
internal readonly record struct LlmError(int Status, string Type, string? Code, string? Param, string Message, TimeSpan? RetryAfter)
{
    /// <summary>Members a mapper adds to the problem of <c>/api/v1/llm/chat</c> (after <c>code</c>), or <see langword="null"/>.</summary>
    public IReadOnlyDictionary<string, object?>? Extensions { get; init; }

    /// <summary>The <c>code</c> of a caller-supplied base URL refused by the outbound address guard (HTTP 422).</summary>
    public const string OutboundAddressRefusedCode = "outbound_address_refused";

    /// <summary>
    /// Maps the typed failures of Foundation.Llm.Routing: unknown model 404, policy 403, no deployment 503, and provider
    /// failures by kind (rate limited 429, overloaded 503, timeout 504, upstream/malformed/authentication 502, the
    /// caller's own bad request, context length and content filter 400), a caller-supplied base URL the outbound address guard
    /// refused 422 (code <c>outbound_address_refused</c>, never retried); anything else through the registered
    /// <see cref="ILlmHttpErrorMapper"/>s (Foundation.Hosting maps Foundation.Costing's budget refusal to 402
    /// <c>insufficient_quota</c>, code <c>budget_exceeded</c>). <see langword="null"/> when none knows it.
    /// </summary>
    public static LlmError? From(Exception exception, IServiceProvider services)
    {
        if (From(exception) is { } known)
        {
            return known;
        }

        foreach (var mapper in services.GetServices<ILlmHttpErrorMapper>())
        {
            if (mapper.Map(exception) is { } mapped)
            {
                return new LlmError(mapped.Status, mapped.Type, mapped.Code, mapped.Param, mapped.Message, mapped.RetryAfter) { Extensions = mapped.ProblemExtensions };
            }
        }

        return null;
    }

    private static LlmError? From(Exception exception) => exception switch
    {
        OpenAIRequestException e => new(StatusCodes.Status400BadRequest, "invalid_request_error", e.Code, e.Param, e.Message, null),
        LlmModelNotFoundException e => new(StatusCodes.Status404NotFound, "invalid_request_error", "model_not_found", "model", e.Message, null),
        LlmPolicyException e => new(StatusCodes.Status403Forbidden, "permission_error", "model_not_allowed", "model", e.Message, null),
        LlmNoDeploymentAvailableException e => new(StatusCodes.Status503ServiceUnavailable, "server_error", "no_deployment_available", null, e.Message, e.RetryAfter),
        LlmProviderException e => FromProvider(e),
        OutboundAddressRefusedException e => new(StatusCodes.Status422UnprocessableEntity, "invalid_request_error", OutboundAddressRefusedCode, null, e.Message, null),
        _ => null,
    };

    private static LlmError FromProvider(LlmProviderException e) => e.Kind switch
    {
        LlmErrorKind.RateLimited => new(StatusCodes.Status429TooManyRequests, "rate_limit_error", "rate_limit_exceeded", null, e.Message, e.RetryAfter ?? TimeSpan.FromSeconds(1)),
        LlmErrorKind.Overloaded => new(StatusCodes.Status503ServiceUnavailable, "server_error", "overloaded", null, e.Message, e.RetryAfter),
        LlmErrorKind.Timeout => new(StatusCodes.Status504GatewayTimeout, "server_error", "timeout", null, e.Message, null),
        LlmErrorKind.ContextLengthExceeded => new(StatusCodes.Status400BadRequest, "invalid_request_error", "context_length_exceeded", "messages", e.Message, null),
        LlmErrorKind.ContentFiltered => new(StatusCodes.Status400BadRequest, "invalid_request_error", "content_filter", "messages", e.Message, null),
        LlmErrorKind.BadRequest => new(StatusCodes.Status400BadRequest, "invalid_request_error", e.ProviderErrorCode ?? "upstream_bad_request", null, e.Message, null),
        LlmErrorKind.AuthenticationFailed => new(StatusCodes.Status502BadGateway, "server_error", "upstream_authentication_failed", null, e.Message, null),
        LlmErrorKind.MalformedResponse => new(StatusCodes.Status502BadGateway, "server_error", "upstream_malformed_response", null, e.Message, null),
        _ => new(StatusCodes.Status502BadGateway, "server_error", "upstream_error", null, e.Message, e.RetryAfter),
    };

    /// <summary>Sets <c>Retry-After</c> (whole seconds, at least 1) when there is a wait.</summary>
    public void ApplyRetryAfter(HttpResponse response)
    {
        if (RetryAfter is { } wait)
        {
            response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
    }
}
