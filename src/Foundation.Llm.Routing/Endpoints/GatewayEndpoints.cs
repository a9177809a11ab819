using System.Buffers;
using System.Text.Json;
using Foundation.Callers;
using Foundation.Json;
using Foundation.Llm.Routing.Routing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Foundation.Llm.Routing.Endpoints;

/// <summary>
/// The OpenAI-compatible gateway: <c>POST /v1/chat/completions</c> (plain and <c>stream: true</c>) and <c>GET /v1/models</c>,
/// authenticated with Foundation API keys (<c>Authorization: Bearer fnd_...</c>, as the OpenAI SDKs send them) or access
/// tokens, answering errors in OpenAI's shape (also those raised outside the handlers: a body the JSON guard refused, the rate
/// limiter's 429, an unknown /v1 route; see <see cref="OpenAIProblemDetailsWriter"/>). The request goes to the <see cref="IChatClient"/> of the container (the router).
/// </summary>
internal static partial class GatewayEndpoints
{
    /// <summary>The deployment that served a response, as the router reports it.</summary>
    internal const string DeploymentProperty = "foundation.deployment";

    /// <summary>The provider that served a response, as the router reports it.</summary>
    internal const string ProviderProperty = "foundation.provider";

    private const string DeploymentHeader = "X-Foundation-Deployment";
    private const string ProviderHeader = "X-Foundation-Provider";

    public static RouteGroupBuilder MapGatewayEndpoints(IEndpointRouteBuilder endpoints)
    {
        var v1 = endpoints.MapGroup("/v1")
            .WithTags("LLM gateway (OpenAI-compatible)")
            .WithMetadata(OpenAIErrorShapeMetadata.Instance);

        // Mapped as delegates (not RequestDelegates) so that the API explorer and the OpenAPI document describe them; the
        // schemas are OpenAIWireSchemas (the handlers parse and write the wire format themselves).
        v1.MapPost("/chat/completions", (Func<HttpContext, Task>)ChatCompletionsAsync)
            .WithName("CreateChatCompletion")
            .WithSummary("OpenAI Chat Completions over the router: send an alias (chat) or a provider model; stream: true answers server-sent chunks.")
            .Accepts<ChatCompletionRequestSchema>("application/json")
            .Produces<ChatCompletionSchema>(StatusCodes.Status200OK, "application/json", "text/event-stream")
            .ProducesOpenAIErrors(
                StatusCodes.Status400BadRequest,
                StatusCodes.Status401Unauthorized,
                StatusCodes.Status402PaymentRequired,
                StatusCodes.Status403Forbidden,
                StatusCodes.Status404NotFound,
                StatusCodes.Status422UnprocessableEntity,
                StatusCodes.Status429TooManyRequests,
                StatusCodes.Status502BadGateway,
                StatusCodes.Status503ServiceUnavailable,
                StatusCodes.Status504GatewayTimeout);

        v1.MapGet("/models", (Func<HttpContext, Task>)ModelsAsync)
            .WithName("ListModels")
            .WithSummary("The aliases and provider models the caller may use, in OpenAI's list shape.")
            .Produces<ModelListSchema>(StatusCodes.Status200OK)
            .ProducesOpenAIErrors(StatusCodes.Status401Unauthorized, StatusCodes.Status429TooManyRequests);
        return v1;
    }

    private static async Task ChatCompletionsAsync(HttpContext http)
    {
        if (!await AuthenticatedAsync(http).ConfigureAwait(false))
        {
            return;
        }

        var aborted = http.RequestAborted;
        OpenAIChatRequest request;
        try
        {
            using var document = await ReadBodyAsync(http).ConfigureAwait(false);
            if (document is null)
            {
                return;
            }

            request = OpenAIChatRequest.Parse(document.RootElement);
        }
        catch (JsonException ex)
        {
            await WriteErrorAsync(http, StatusCodes.Status400BadRequest, $"The request body is not valid JSON: {ex.Message}", "invalid_request_error", null, "invalid_json").ConfigureAwait(false);
            return;
        }
        catch (OpenAIRequestException ex)
        {
            await WriteErrorAsync(http, StatusCodes.Status400BadRequest, ex.Message, "invalid_request_error", ex.Param, ex.Code).ConfigureAwait(false);
            return;
        }

        var client = http.RequestServices.GetRequiredService<IChatClient>();
        var time = http.RequestServices.GetRequiredService<TimeProvider>();
        try
        {
            if (request.Stream)
            {
                await StreamAsync(http, client, request, time).ConfigureAwait(false);
            }
            else
            {
                var response = await client.GetResponseAsync(request.Messages, request.Options, aborted).ConfigureAwait(false);
                var now = time.GetUtcNow();
                SetServedBy(http.Response, response.AdditionalProperties);
                http.Response.ContentType = "application/json";
                var w = OpenAIWire.Writer(http.Response.BodyWriter);
                OpenAIWire.WriteCompletion(w, Id(response.ResponseId, now), OpenAIWire.UnixSeconds(response.CreatedAt ?? now), response.ModelId ?? request.Model, response);
                w.Flush();
                await http.Response.BodyWriter.FlushAsync(aborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception ex) when (!http.Response.HasStarted)
        {
            await WriteFailureAsync(http, ex).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The request body as a JSON document, or <see langword="null"/> after answering 400 in OpenAI's shape: a body that is not
    /// JSON, or whose strings are not valid Unicode (invalid UTF-8, a lone UTF-16 surrogate), is refused here with the JSON path,
    /// so the gateway keeps its error shape in a host without a body guard. A guard that already validated the body (Foundation.Hosting's
    /// JSON body guard) says so in <see cref="HttpContext.Items"/> and the check is not repeated.
    /// </summary>
    private static async ValueTask<JsonDocument?> ReadBodyAsync(HttpContext http)
    {
        if (http.Items.ContainsKey(JsonTextValidator.ValidatedItemKey))
        {
            return await JsonDocument.ParseAsync(http.Request.Body, default, http.RequestAborted).ConfigureAwait(false);
        }

        var length = http.Request.ContentLength;
        var buffer = new MemoryStream(length is > 0 and <= 1 << 20 ? (int)length.Value : 4096);
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted).ConfigureAwait(false);
        var body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (body.Length > 0 && JsonTextValidator.Validate(body.Span) is { } failure)
        {
            await WriteErrorAsync(
                http,
                StatusCodes.Status400BadRequest,
                failure.Message,
                "invalid_request_error",
                OpenAIProblemDetailsWriter.Param(failure.Path),
                failure.Code).ConfigureAwait(false);
            return null;
        }

        return JsonDocument.Parse(body);
    }

    private static async Task StreamAsync(HttpContext http, IChatClient client, OpenAIChatRequest request, TimeProvider time)
    {
        var aborted = http.RequestAborted;
        var enumerator = client.GetStreamingResponseAsync(request.Messages, request.Options, aborted).GetAsyncEnumerator(aborted);
        await using (enumerator.ConfigureAwait(false))
        {
            // Wait for the first update before answering: a failure before any content is still a proper HTTP error.
            if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
            {
                await StartStreamAsync(http, null).ConfigureAwait(false);
                await FinishStreamAsync(http, request, OpenAIWire.NewId(time.GetUtcNow()), OpenAIWire.UnixSeconds(time.GetUtcNow()), request.Model, null, false, false).ConfigureAwait(false);
                return;
            }

            var first = enumerator.Current;
            await StartStreamAsync(http, first.AdditionalProperties).ConfigureAwait(false);
            var now = time.GetUtcNow();
            var id = Id(first.ResponseId, now);
            var created = OpenAIWire.UnixSeconds(first.CreatedAt ?? now);
            var model = first.ModelId ?? request.Model;
            var output = http.Response.BodyWriter;
            UsageDetails? usage = null;
            var roleSent = false;
            var finished = false;
            var toolIndex = 0;

            try
            {
                var update = first;
                while (true)
                {
                    string? text = null;
                    var hasCalls = false;
                    foreach (var content in update.Contents)
                    {
                        switch (content)
                        {
                            case TextContent t when !string.IsNullOrEmpty(t.Text):
                                text = text is null ? t.Text : text + t.Text;
                                break;
                            case FunctionCallContent:
                                hasCalls = true;
                                break;
                            case UsageContent u:
                                if (usage is null)
                                {
                                    usage = new UsageDetails();
                                }

                                usage.Add(u.Details);
                                break;
                        }
                    }

                    var finish = update.FinishReason;
                    if (text is not null || hasCalls || finish is not null || !roleSent)
                    {
                        output.Write(OpenAIWire.DataPrefix);
                        var w = OpenAIWire.Writer(output);
                        OpenAIWire.StartChunk(w, id, created, model);
                        w.WriteStartObject();
                        w.WriteNumber("index"u8, 0);
                        w.WriteStartObject("delta"u8);
                        if (!roleSent)
                        {
                            w.WriteString("role"u8, "assistant"u8);
                            roleSent = true;
                        }

                        if (text is not null)
                        {
                            w.WriteString("content"u8, text);
                        }
                        else if (!hasCalls && finish is null)
                        {
                            w.WriteString("content"u8, ""u8);
                        }

                        if (hasCalls)
                        {
                            w.WriteStartArray("tool_calls"u8);
                            foreach (var content in update.Contents)
                            {
                                if (content is FunctionCallContent call)
                                {
                                    OpenAIWire.WriteToolCall(w, call, toolIndex++);
                                }
                            }

                            w.WriteEndArray();
                        }

                        w.WriteEndObject();
                        w.WriteNull("logprobs"u8);
                        if (finish is not null)
                        {
                            w.WriteString("finish_reason"u8, OpenAIWire.FinishReason(finish, toolIndex > 0));
                            finished = true;
                        }
                        else
                        {
                            w.WriteNull("finish_reason"u8);
                        }

                        w.WriteEndObject();
                        OpenAIWire.EndChunk(w, request.IncludeUsage, null);
                        w.Flush();
                        output.Write(OpenAIWire.EventEnd);
                        await output.FlushAsync(aborted).ConfigureAwait(false);
                    }

                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    update = enumerator.Current;
                }
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Headers are gone: report the failure as an SSE error event and close, without [DONE].
                var error = LlmError.From(ex, http.RequestServices);
                if (error is null)
                {
                    LogUnexpected(Logger(http), ex);
                }

                output.Write(OpenAIWire.DataPrefix);
                var w = OpenAIWire.Writer(output);
                OpenAIWire.WriteError(w, error?.Message ?? "The server failed while streaming the answer.", error?.Type ?? "server_error", error?.Param, error?.Code);
                w.Flush();
                output.Write(OpenAIWire.EventEnd);
                await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                return;
            }

            await FinishStreamAsync(http, request, id, created, model, usage, finished, toolIndex > 0).ConfigureAwait(false);
        }
    }

    private static async Task StartStreamAsync(HttpContext http, AdditionalPropertiesDictionary? served)
    {
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        SetServedBy(response, served);
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(http.RequestAborted).ConfigureAwait(false);
    }

    private static async Task FinishStreamAsync(
        HttpContext http, OpenAIChatRequest request, string id, long created, string model, UsageDetails? usage, bool finished, bool toolCalls)
    {
        var output = http.Response.BodyWriter;
        if (!finished)
        {
            output.Write(OpenAIWire.DataPrefix);
            var w = OpenAIWire.Writer(output);
            OpenAIWire.StartChunk(w, id, created, model);
            w.WriteStartObject();
            w.WriteNumber("index"u8, 0);
            w.WriteStartObject("delta"u8);
            w.WriteEndObject();
            w.WriteNull("logprobs"u8);
            w.WriteString("finish_reason"u8, OpenAIWire.FinishReason(null, toolCalls));
            w.WriteEndObject();
            OpenAIWire.EndChunk(w, request.IncludeUsage, null);
            w.Flush();
            output.Write(OpenAIWire.EventEnd);
        }

        if (request.IncludeUsage)
        {
            output.Write(OpenAIWire.DataPrefix);
            var w = OpenAIWire.Writer(output);
            OpenAIWire.StartChunk(w, id, created, model);
            OpenAIWire.EndChunk(w, includeUsage: true, usage ?? new UsageDetails());
            w.Flush();
            output.Write(OpenAIWire.EventEnd);
        }

        output.Write(OpenAIWire.Done);
        await output.FlushAsync(http.RequestAborted).ConfigureAwait(false);
    }

    private static async Task ModelsAsync(HttpContext http)
    {
        if (!await AuthenticatedAsync(http).ConfigureAwait(false))
        {
            return;
        }

        var catalog = http.RequestServices.GetRequiredService<ILlmModelCatalog>();
        var caller = http.RequestServices.GetRequiredService<ICurrentCaller>();
        var models = catalog.ListModels(caller);
        http.Response.ContentType = "application/json";
        var w = OpenAIWire.Writer(http.Response.BodyWriter);
        w.WriteStartObject();
        w.WriteString("object"u8, "list"u8);
        w.WriteStartArray("data"u8);
        foreach (var model in models)
        {
            w.WriteStartObject();
            w.WriteString("id"u8, model.Id);
            w.WriteString("object"u8, "model"u8);
            w.WriteNumber("created"u8, 0);
            w.WriteString("owned_by"u8, model.OwnedBy);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        await http.Response.BodyWriter.FlushAsync(http.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether the request carries a valid credential. Authentication already ran (UseAuthentication); when it failed,
    /// the 401 is written here in OpenAI's shape, with the reason the Bearer scheme gave.
    /// </summary>
    private static async ValueTask<bool> AuthenticatedAsync(HttpContext http)
    {
        if (http.User.Identity?.IsAuthenticated == true)
        {
            return true;
        }

        var result = await http.AuthenticateAsync().ConfigureAwait(false);
        if (result.Succeeded)
        {
            http.User = result.Principal;
            return true;
        }

        var reason = result.Failure?.Message.TrimEnd('.');
        http.Response.Headers.WWWAuthenticate = "Bearer";
        await WriteErrorAsync(
            http,
            StatusCodes.Status401Unauthorized,
            reason is null
                ? "You didn't provide an API key. Send a Foundation API key as 'Authorization: Bearer fnd_...' (create one with POST /api/v1/api-keys)."
                : $"Incorrect API key provided: {reason}. Create a Foundation API key with POST /api/v1/api-keys.",
            "invalid_request_error",
            null,
            "invalid_api_key").ConfigureAwait(false);
        return false;
    }

    private static async Task WriteFailureAsync(HttpContext http, Exception exception)
    {
        var error = LlmError.From(exception, http.RequestServices);
        if (error is not { } e)
        {
            LogUnexpected(Logger(http), exception);
            await WriteErrorAsync(http, StatusCodes.Status500InternalServerError, "The server had an error while processing your request.", "server_error", null, null).ConfigureAwait(false);
            return;
        }

        e.ApplyRetryAfter(http.Response);
        await WriteErrorAsync(http, e.Status, e.Message, e.Type, e.Param, e.Code).ConfigureAwait(false);
    }

    internal static async Task WriteErrorAsync(HttpContext http, int status, string message, string type, string? param, string? code)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        var w = OpenAIWire.Writer(http.Response.BodyWriter);
        OpenAIWire.WriteError(w, message, type, param, code);
        w.Flush();
        await http.Response.BodyWriter.FlushAsync(http.RequestAborted).ConfigureAwait(false);
    }

    internal static void SetServedBy(HttpResponse response, AdditionalPropertiesDictionary? properties)
    {
        if (properties is null)
        {
            return;
        }

        if (properties.TryGetValue(DeploymentProperty, out var deployment) && deployment is string d)
        {
            response.Headers[DeploymentHeader] = d;
        }

        if (properties.TryGetValue(ProviderProperty, out var provider) && provider is string p)
        {
            response.Headers[ProviderHeader] = p;
        }
    }

    private static string Id(string? responseId, DateTimeOffset now) =>
        string.IsNullOrEmpty(responseId) ? OpenAIWire.NewId(now)
        : responseId.StartsWith("chatcmpl-", StringComparison.Ordinal) ? responseId
        : "chatcmpl-" + responseId;

    private static ILogger Logger(HttpContext http) =>
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Foundation.Llm.Routing.Gateway");

    [LoggerMessage(1, LogLevel.Error, "The LLM gateway failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);

    private static RouteHandlerBuilder ProducesOpenAIErrors(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        foreach (var status in statusCodes)
        {
            builder.Produces<OpenAIErrorSchema>(status);
        }

        return builder;
    }
}
