using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Foundation.Abstractions.Authorization;
using Foundation.Llm.Routing.Outbound;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Endpoints;

/// <summary><c>POST /api/v1/llm/chat</c>: the app's own chat endpoint (signed-in session, problem-details errors).</summary>
internal static class LlmChatEndpoints
{
    private const int MaxMessages = 100;
    private const int MaxContentLength = 100_000;

    public static RouteGroupBuilder MapLlmChatEndpoints(IEndpointRouteBuilder endpoints)
    {
        var llm = endpoints.MapGroup("/api/v1/llm")
            .WithTags("LLM")
            .RequireAuthorization(FoundationPolicies.UserSession);

        llm.MapPost("/chat", ChatAsync)
            .WithSummary("Chat for the app's UI: {model?, messages, stream?}; stream answers server-sent events delta, done or error.")
            .Produces<LlmChatResponse>()
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status502BadGateway);
        return llm;
    }

    private static async Task<IResult> ChatAsync(LlmChatBody body, IChatClient client, HttpContext http, CancellationToken ct)
    {
        if (Validate(body) is { } invalid)
        {
            return invalid;
        }

        var messages = new List<ChatMessage>(body.Messages!.Count);
        foreach (var m in body.Messages!)
        {
            messages.Add(new ChatMessage(Role(m.Role!), m.Content));
        }

        var options = new ChatOptions { ModelId = string.IsNullOrWhiteSpace(body.Model) ? "chat" : body.Model.Trim() };
        try
        {
            if (body.Stream == true)
            {
                await StreamAsync(http, client, messages, options, ct).ConfigureAwait(false);
                return Results.Empty;
            }

            var response = await client.GetResponseAsync(messages, options, ct).ConfigureAwait(false);
            GatewayEndpoints.SetServedBy(http.Response, response.AdditionalProperties);
            return Results.Ok(new LlmChatResponse(response.Text, response.ModelId, Usage(response.Usage), Deployment(response.AdditionalProperties)));
        }
        catch (Exception ex) when (!http.Response.HasStarted && LlmError.From(ex, http.RequestServices) is { } error)
        {
            error.ApplyRetryAfter(http.Response);
            return Problem(error, ex as OutboundAddressRefusedException);
        }
    }

    private static async Task StreamAsync(HttpContext http, IChatClient client, List<ChatMessage> messages, ChatOptions options, CancellationToken ct)
    {
        var enumerator = client.GetStreamingResponseAsync(messages, options, ct).GetAsyncEnumerator(ct);
        await using (enumerator.ConfigureAwait(false))
        {
            var any = await enumerator.MoveNextAsync().ConfigureAwait(false);
            var response = http.Response;
            response.ContentType = "text/event-stream; charset=utf-8";
            response.Headers.CacheControl = "no-cache";
            response.Headers["X-Accel-Buffering"] = "no";
            if (any)
            {
                GatewayEndpoints.SetServedBy(response, enumerator.Current.AdditionalProperties);
            }

            http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            await response.StartAsync(ct).ConfigureAwait(false);

            var usage = new UsageDetails();
            string? model = null;
            string? deployment = null;
            try
            {
                while (any)
                {
                    var update = enumerator.Current;
                    model ??= update.ModelId;
                    deployment ??= Deployment(update.AdditionalProperties);
                    foreach (var content in update.Contents)
                    {
                        if (content is UsageContent u)
                        {
                            usage.Add(u.Details);
                        }
                    }

                    var text = update.Text;
                    if (text.Length > 0)
                    {
                        await WriteEventAsync(http, "delta", JsonSerializer.SerializeToUtf8Bytes(new LlmChatDelta(text), LlmJsonContext.Default.LlmChatDelta), ct).ConfigureAwait(false);
                    }

                    any = await enumerator.MoveNextAsync().ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (LlmError.From(ex, http.RequestServices) is { } error)
            {
                var payload = new LlmChatError(error.Status, Title(error.Status), error.Message, error.Code);
                await WriteEventAsync(http, "error", JsonSerializer.SerializeToUtf8Bytes(payload, LlmJsonContext.Default.LlmChatError), CancellationToken.None).ConfigureAwait(false);
                return;
            }

            var done = new LlmChatDone(model, Usage(usage), deployment);
            await WriteEventAsync(http, "done", JsonSerializer.SerializeToUtf8Bytes(done, LlmJsonContext.Default.LlmChatDone), ct).ConfigureAwait(false);
        }
    }

    private static async Task WriteEventAsync(HttpContext http, string name, byte[] json, CancellationToken ct)
    {
        var output = http.Response.BodyWriter;
        output.Write("event: "u8);
        output.Write(System.Text.Encoding.ASCII.GetBytes(name));
        output.Write("\ndata: "u8);
        output.Write(json);
        output.Write("\n\n"u8);
        await output.FlushAsync(ct).ConfigureAwait(false);
    }

    private static IResult? Validate(LlmChatBody body)
    {
        if (body.Messages is not { Count: > 0 } messages)
        {
            return Invalid("messages", "messages is required: at least one {role, content}.");
        }

        if (messages.Count > MaxMessages)
        {
            return Invalid("messages", string.Create(CultureInfo.InvariantCulture, $"At most {MaxMessages} messages are accepted; this request has {messages.Count}."));
        }

        if (body.Model is { Length: > 200 })
        {
            return Invalid("model", "model must be at most 200 characters.");
        }

        for (var i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            if (m is null)
            {
                return Invalid(string.Create(CultureInfo.InvariantCulture, $"messages[{i}]"), "Each message must be an object {role, content}.");
            }

            if (m.Role is not ("system" or "user" or "assistant"))
            {
                return Invalid(string.Create(CultureInfo.InvariantCulture, $"messages[{i}].role"), "role must be system, user or assistant.");
            }

            if (m.Content is null || m.Content.Length > MaxContentLength)
            {
                return Invalid(
                    string.Create(CultureInfo.InvariantCulture, $"messages[{i}].content"),
                    string.Create(CultureInfo.InvariantCulture, $"content is required and at most {MaxContentLength} characters."));
            }
        }

        return null;
    }

    private static IResult Invalid(string field, string message)
    {
        var problem = new HttpValidationProblemDetails(new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is invalid",
            Detail = message,
        };
        problem.Extensions["field"] = field;
        return Results.Problem(problem);
    }

    private static IResult Problem(LlmError error, OutboundAddressRefusedException? refused)
    {
        var problem = new ProblemDetails { Status = error.Status, Title = Title(error.Status), Detail = error.Message };
        if (error.Code is not null)
        {
            problem.Extensions["code"] = error.Code;
        }

        if (refused is not null)
        {
            problem.Extensions["rule"] = refused.Rule;
            problem.Extensions["host"] = refused.Host;
        }

        if (error.Extensions is { } extensions)
        {
            foreach (var (name, value) in extensions)
            {
                problem.Extensions[name] = value;
            }
        }

        if (error.RetryAfter is { } wait)
        {
            problem.Extensions["retryAfterSeconds"] = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));
        }

        return Results.Problem(problem);
    }

    private static string Title(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "The request is invalid",
        StatusCodes.Status402PaymentRequired => "Budget exceeded",
        StatusCodes.Status403Forbidden => "Not allowed by a model policy",
        StatusCodes.Status404NotFound => "Unknown model",
        StatusCodes.Status422UnprocessableEntity => "The provider address is refused",
        StatusCodes.Status429TooManyRequests => "The provider is rate limiting",
        StatusCodes.Status503ServiceUnavailable => "No deployment is available",
        StatusCodes.Status504GatewayTimeout => "The provider timed out",
        _ => "The provider failed",
    };

    private static ChatRole Role(string role) => role switch
    {
        "system" => ChatRole.System,
        "assistant" => ChatRole.Assistant,
        _ => ChatRole.User,
    };

    private static LlmChatUsage Usage(UsageDetails? u)
    {
        var input = u?.InputTokenCount ?? 0;
        var output = u?.OutputTokenCount ?? 0;
        return new LlmChatUsage(input, output, u?.TotalTokenCount ?? input + output, u?.CachedInputTokenCount ?? 0, u?.ReasoningTokenCount ?? 0);
    }

    private static string? Deployment(AdditionalPropertiesDictionary? properties) =>
        properties is not null && properties.TryGetValue(GatewayEndpoints.DeploymentProperty, out var d) ? d as string : null;
}
