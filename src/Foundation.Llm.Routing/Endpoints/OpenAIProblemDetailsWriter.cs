using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Foundation.Llm.Routing.Endpoints;

/// <summary>
/// Writes a problem on the OpenAI-compatible routes as OpenAI does: <c>message</c> is the problem's detail (or title),
/// <c>type</c> follows the status (<c>invalid_request_error</c>, <c>requests</c> for 429, <c>server_error</c> for 5xx),
/// <c>param</c> is the JSON path or field the problem names, <c>code</c> the problem's <c>code</c> extension.
/// Registered before the default problem-details writer (<c>AddFoundationLlmGatewayErrors()</c>), so it wins on those routes and
/// nowhere else: a host's exception handler, status-code pages and rate limiter then answer <c>/v1</c> in OpenAI's shape.
/// </summary>
public sealed class OpenAIProblemDetailsWriter : IProblemDetailsWriter
{
    /// <summary>Whether <paramref name="context"/> is a request of the OpenAI-compatible surface (a gateway endpoint, or any path under <c>/v1</c>).</summary>
    /// <param name="context">The request.</param>
    public static bool AppliesTo(HttpContext context) => OpenAIErrorShape.Applies(context);

    /// <summary>Writes <c>{"error":{"message","type","param","code"}}</c> with <paramref name="status"/>, as the gateway answers its own refusals.</summary>
    /// <param name="context">The request.</param>
    /// <param name="status">The HTTP status.</param>
    /// <param name="message">What a person can act on.</param>
    /// <param name="type">OpenAI's error <c>type</c> (<c>invalid_request_error</c>, <c>server_error</c>, ...).</param>
    /// <param name="param">The parameter at fault, or <see langword="null"/>.</param>
    /// <param name="code">A stable code, or <see langword="null"/>.</param>
    public static Task WriteErrorAsync(HttpContext context, int status, string message, string type, string? param = null, string? code = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(type);
        return GatewayEndpoints.WriteErrorAsync(context, status, message, type, param, code);
    }

    /// <inheritdoc />
    public bool CanWrite(ProblemDetailsContext context) => context is not null && OpenAIErrorShape.Applies(context.HttpContext);

    /// <inheritdoc />
    public async ValueTask WriteAsync(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        var status = problem.Status ?? http.Response.StatusCode;
        var message = status is StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed
                      && http.GetEndpoint()?.Metadata.GetMetadata<OpenAIErrorShapeMetadata>() is null
            ? $"Invalid URL ({http.Request.Method} {http.Request.Path}{http.Request.QueryString})"
            : problem.Detail ?? problem.Title ?? ReasonPhrases.GetReasonPhrase(status);
        var type = status switch
        {
            StatusCodes.Status429TooManyRequests => "requests",
            StatusCodes.Status403Forbidden => "permission_error",
            >= 500 => "server_error",
            _ => "invalid_request_error",
        };
        var param = Text(problem, "param") ?? Param(Text(problem, "jsonPath")) ?? Text(problem, "field");
        var code = Text(problem, "code") ?? (status == StatusCodes.Status429TooManyRequests ? "rate_limit_exceeded" : null);

        http.Response.ContentType = "application/json";
        var writer = OpenAIWire.Writer(http.Response.BodyWriter);
        OpenAIWire.WriteError(writer, message, type, param, code);
        writer.Flush();
        await http.Response.BodyWriter.FlushAsync(http.RequestAborted).ConfigureAwait(false);
    }

    private static string? Text(Microsoft.AspNetCore.Mvc.ProblemDetails problem, string key) =>
        problem.Extensions.TryGetValue(key, out var value)
            ? value switch
            {
                string s => s,
                JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
                _ => null,
            }
            : null;

    /// <summary>OpenAI names a parameter without the JSON path's root: <c>$.messages[0].content</c> is <c>messages[0].content</c>; the root itself is no parameter.</summary>
    internal static string? Param(string? jsonPath) => jsonPath switch
    {
        null or "$" => null,
        _ when jsonPath.StartsWith("$.", StringComparison.Ordinal) => jsonPath[2..],
        _ when jsonPath.StartsWith('$') => jsonPath[1..],
        _ => jsonPath,
    };
}
