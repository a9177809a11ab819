using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Foundation.Tests.Common.Llm;

/// <summary>
/// An in-test LLM provider on real loopback HTTP (Kestrel on 127.0.0.1, a free port): any path ending in <c>/chat/completions</c>
/// speaks OpenAI Chat Completions (so <c>/v1/chat/completions</c> and Azure's <c>/openai/deployments/{d}/chat/completions</c>),
/// any path ending in <c>/messages</c> speaks Anthropic Messages. Answers come from fixtures written after the providers' public API
/// documentation (plain or streamed as the request's <c>stream</c> asks; the tool-call fixture when the request has tools), or from
/// behaviours queued with <see cref="Enqueue"/> (faults included). Every request is recorded.
/// Link this file and <c>Fixtures/*</c> into a test project:
/// <code>
/// &lt;Compile Include="..\Shared\Llm\FakeLlmUpstream.cs" Link="Shared\Llm\FakeLlmUpstream.cs" /&gt;
/// &lt;EmbeddedResource Include="..\Shared\Llm\Fixtures\*" LogicalName="FakeLlmFixtures.%(Filename)%(Extension)" /&gt;
/// </code>
/// </summary>
public sealed class FakeLlmUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<FakeLlmBehavior> _queue = new();
    private readonly ConcurrentQueue<FakeLlmRequest> _requests = new();

    private FakeLlmUpstream(WebApplication app, Uri root)
    {
        _app = app;
        Root = root;
    }

    /// <summary>The server's root (<c>http://127.0.0.1:{port}/</c>).</summary>
    public Uri Root { get; }

    /// <summary>The base URL for either client: <c>http://127.0.0.1:{port}/v1</c>.</summary>
    public Uri BaseUrl => new(Root, "v1");

    /// <summary>What answers when nothing is queued. Default <see cref="FakeLlmBehavior.Fixture()"/>.</summary>
    public FakeLlmBehavior DefaultBehavior { get; set; } = FakeLlmBehavior.Fixture();

    /// <summary>The requests received so far, in order.</summary>
    public IReadOnlyList<FakeLlmRequest> Requests => [.. _requests];

    /// <summary>Starts the server.</summary>
    public static async Task<FakeLlmUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeLlmUpstream? upstream = null;
        app.Run(context => upstream!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        upstream = new FakeLlmUpstream(app, new Uri(address.TrimEnd('/') + "/"));
        return upstream;
    }

    /// <summary>Queues behaviours for the next requests, one request each, in order.</summary>
    public void Enqueue(params FakeLlmBehavior[] behaviors)
    {
        foreach (var behavior in behaviors)
        {
            _queue.Enqueue(behavior);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
    }

    /// <summary>Reads a fixture file (UTF-8 text) embedded from <c>tests/Shared/Llm/Fixtures</c>.</summary>
    public static string ReadFixture(string name)
    {
        var assembly = typeof(FakeLlmUpstream).Assembly;
        using var stream = assembly.GetManifestResourceStream("FakeLlmFixtures." + name)
            ?? throw new InvalidOperationException($"The fixture '{name}' is not embedded; add <EmbeddedResource Include=\"..\\Shared\\Llm\\Fixtures\\*\" LogicalName=\"FakeLlmFixtures.%(Filename)%(Extension)\" />.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        var format = path.EndsWith("/chat/completions", StringComparison.Ordinal) ? FakeLlmFormat.OpenAI
            : path.EndsWith("/messages", StringComparison.Ordinal) ? FakeLlmFormat.Anthropic
            : (FakeLlmFormat?)null;
        if (format is null || !HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        using var bodyReader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await bodyReader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new FakeLlmRequest(format.Value, context.Request.Method, path + context.Request.QueryString, headers, body);
        _requests.Enqueue(request);

        var behavior = _queue.TryDequeue(out var queued) ? queued : DefaultBehavior;
        try
        {
            await behavior.RespondAsync(context, request);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away (a timeout or a cancellation on its side).
        }
    }
}

/// <summary>Which wire format a request used.</summary>
public enum FakeLlmFormat
{
    /// <summary>OpenAI Chat Completions.</summary>
    OpenAI,

    /// <summary>Anthropic Messages.</summary>
    Anthropic,
}

/// <summary>A request the fake upstream received.</summary>
public sealed record FakeLlmRequest(FakeLlmFormat Format, string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>The body parsed as JSON.</summary>
    public JsonNode Json => JsonNode.Parse(Body)!;

    /// <summary>Whether the request asked for a stream.</summary>
    public bool Stream => JsonNode.Parse(Body) is JsonObject o && o["stream"]?.GetValueKind() == JsonValueKind.True;

    /// <summary>Whether the request declared tools.</summary>
    public bool HasTools => JsonNode.Parse(Body) is JsonObject o && o["tools"] is JsonArray { Count: > 0 };

    /// <summary>A header's value, or null.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>How the fake upstream answers one request; the factory methods answer in the request's own wire format.</summary>
public sealed class FakeLlmBehavior
{
    private readonly Func<HttpContext, FakeLlmRequest, Task> _respond;

    private FakeLlmBehavior(Func<HttpContext, FakeLlmRequest, Task> respond) => _respond = respond;

    /// <summary>Answers the request.</summary>
    public Task RespondAsync(HttpContext context, FakeLlmRequest request) => _respond(context, request);

    /// <summary>Any answer.</summary>
    public static FakeLlmBehavior Custom(Func<HttpContext, FakeLlmRequest, Task> respond) => new(respond);

    /// <summary>The documentation fixtures: a text answer, or a tool call when the request has tools; streamed when asked.</summary>
    public static FakeLlmBehavior Fixture() => new((context, request) => WriteFixtureAsync(context, request, FixtureName(request)));

    /// <summary>A named fixture (for example <c>openai-chat.json</c>), sent as JSON or as an event stream by its extension.</summary>
    public static FakeLlmBehavior Fixture(string name) => new((context, request) => WriteFixtureAsync(context, request, name));

    /// <summary>A generated answer with <paramref name="text"/>, streamed word by word when asked, with the given usage.</summary>
    public static FakeLlmBehavior Text(string text, int inputTokens = 12, int outputTokens = 8) =>
        new((context, request) => WriteTextAsync(context, request, text, inputTokens, outputTokens));

    /// <summary>HTTP 429 with <c>Retry-After</c> (seconds or an HTTP date) and optionally OpenAI's <c>retry-after-ms</c>.</summary>
    public static FakeLlmBehavior RateLimited(string? retryAfter = "2", string? retryAfterMs = null) => new((context, request) =>
    {
        if (retryAfter is not null)
        {
            context.Response.Headers["retry-after"] = retryAfter;
        }

        if (retryAfterMs is not null)
        {
            context.Response.Headers["retry-after-ms"] = retryAfterMs;
        }

        return request.Format == FakeLlmFormat.OpenAI
            ? WriteJsonAsync(context, 429, """{"error":{"message":"Rate limit reached for gpt-4o-mini in organization org-fixture on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 120ms.","type":"requests","param":null,"code":"rate_limit_exceeded"}}""")
            : WriteJsonAsync(context, 429, """{"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}}""");
    });

    /// <summary>HTTP 500 in the provider's error shape.</summary>
    public static FakeLlmBehavior ServerError() => new((context, request) => request.Format == FakeLlmFormat.OpenAI
        ? WriteJsonAsync(context, 500, """{"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}""")
        : WriteJsonAsync(context, 500, """{"type":"error","error":{"type":"api_error","message":"Internal server error"}}"""));

    /// <summary>Overloaded: Anthropic's 529 <c>overloaded_error</c>, OpenAI's 503.</summary>
    public static FakeLlmBehavior Overloaded() => new((context, request) => request.Format == FakeLlmFormat.OpenAI
        ? WriteJsonAsync(context, 503, """{"error":{"message":"The engine is currently overloaded, please try again later.","type":"server_error","param":null,"code":null}}""")
        : WriteJsonAsync(context, 529, """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"""));

    /// <summary>The prompt is too long for the model (HTTP 400).</summary>
    public static FakeLlmBehavior ContextLengthExceeded() => new((context, request) => request.Format == FakeLlmFormat.OpenAI
        ? WriteJsonAsync(context, 400, """{"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}""")
        : WriteJsonAsync(context, 400, """{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 208934 tokens > 200000 maximum"}}"""));

    /// <summary>
    /// Content refused by policy: OpenAI/Azure's HTTP 400 with code <c>content_filter</c>; Anthropic's answer with stop reason
    /// <c>refusal</c> (its classifiers stop the message rather than fail the request).
    /// </summary>
    public static FakeLlmBehavior ContentFiltered() => new((context, request) => request.Format == FakeLlmFormat.OpenAI
        ? WriteJsonAsync(context, 400, """{"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy.","type":null,"param":"prompt","code":"content_filter","status":400}}""")
        : request.Stream
            ? WriteSseAsync(context, """
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_refusal","type":"message","role":"assistant","model":"claude-3-5-haiku-20241022","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":20,"output_tokens":1}}}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"refusal","stop_sequence":null},"usage":{"output_tokens":1}}

                event: message_stop
                data: {"type":"message_stop"}


                """)
            : WriteJsonAsync(context, 200, """{"id":"msg_refusal","type":"message","role":"assistant","model":"claude-3-5-haiku-20241022","content":[],"stop_reason":"refusal","stop_sequence":null,"usage":{"input_tokens":20,"output_tokens":1}}"""));

    /// <summary>OpenAI only: a 200 answer whose choice ends with <c>finish_reason: content_filter</c> and no content.</summary>
    public static FakeLlmBehavior ContentFilterFinish() => new((context, request) => request.Stream
        ? WriteSseAsync(context, """
            data: {"id":"chatcmpl-filtered","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}

            data: {"id":"chatcmpl-filtered","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"content_filter"}]}

            data: [DONE]


            """)
        : WriteJsonAsync(context, 200, """{"id":"chatcmpl-filtered","object":"chat.completion","created":1741569952,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":null},"finish_reason":"content_filter"}],"usage":{"prompt_tokens":20,"completion_tokens":0,"total_tokens":20}}"""));

    /// <summary>HTTP 401 in the provider's error shape.</summary>
    public static FakeLlmBehavior Unauthorized() => new((context, request) => request.Format == FakeLlmFormat.OpenAI
        ? WriteJsonAsync(context, 401, """{"error":{"message":"Incorrect API key provided: sk-fake***1234. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""")
        : WriteJsonAsync(context, 401, """{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"""));

    /// <summary>HTTP 400 for a malformed request.</summary>
    public static FakeLlmBehavior BadRequest() => new((context, request) => request.Format == FakeLlmFormat.OpenAI
        ? WriteJsonAsync(context, 400, """{"error":{"message":"Invalid value for 'temperature': must be between 0 and 2.","type":"invalid_request_error","param":"temperature","code":"invalid_value"}}""")
        : WriteJsonAsync(context, 400, """{"type":"error","error":{"type":"invalid_request_error","message":"temperature: range: 0..1"}}"""));

    /// <summary>Any status with any body.</summary>
    public static FakeLlmBehavior Status(int status, string body, string contentType = "application/json") =>
        new((context, _) => WriteRawAsync(context, status, contentType, body));

    /// <summary>Waits <paramref name="delay"/> before sending anything, then answers as <paramref name="then"/> (default: the fixtures).</summary>
    public static FakeLlmBehavior SlowFirstByte(TimeSpan delay, FakeLlmBehavior? then = null) => new(async (context, request) =>
    {
        await Task.Delay(delay, context.RequestAborted);
        await (then ?? Fixture()).RespondAsync(context, request);
    });

    /// <summary>Never answers (until the client gives up).</summary>
    public static FakeLlmBehavior Hang() => new(async (context, _) => await Task.Delay(Timeout.Infinite, context.RequestAborted));

    /// <summary>Starts a stream (the fixture's first <paramref name="events"/> events), then never sends another byte.</summary>
    public static FakeLlmBehavior HangMidStream(int events = 2) => new(async (context, request) =>
    {
        await WriteEventsAsync(context, SplitEvents(ReadStreamFixture(request)).Take(events));
        await Task.Delay(Timeout.Infinite, context.RequestAborted);
    });

    /// <summary>HTTP 200 whose body is not valid JSON (a cut object), or a stream whose first chunk is not JSON.</summary>
    public static FakeLlmBehavior MalformedJson() => new((context, request) => request.Stream
        ? WriteSseAsync(context, "data: {\"id\":\"chatcmpl-bad\",\"choices\":[{\"delta\":{\"content\":\"Hel\n\n")
        : WriteRawAsync(context, 200, "application/json", """{"id":"chatcmpl-bad","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Hel"""));

    /// <summary>
    /// Sends the fixture stream's first <paramref name="events"/> events and then either aborts the connection
    /// (<paramref name="abort"/>) or ends the response normally, in both cases before <c>[DONE]</c> / <c>message_stop</c>.
    /// </summary>
    public static FakeLlmBehavior StreamCut(int events = 3, bool abort = true) => new(async (context, request) =>
    {
        await WriteEventsAsync(context, SplitEvents(ReadStreamFixture(request)).Take(events));
        if (abort)
        {
            // Let the client read what was sent before the connection is reset (a reset discards unread bytes).
            await Task.Delay(200, context.RequestAborted);
            context.Abort();
        }
    });

    private static string FixtureName(FakeLlmRequest request) => (request.Format, request.HasTools, request.Stream) switch
    {
        (FakeLlmFormat.OpenAI, false, false) => "openai-chat.json",
        (FakeLlmFormat.OpenAI, false, true) => "openai-chat-stream.sse",
        (FakeLlmFormat.OpenAI, true, false) => "openai-tool-call.json",
        (FakeLlmFormat.OpenAI, true, true) => "openai-tool-call-stream.sse",
        (FakeLlmFormat.Anthropic, false, false) => "anthropic-message.json",
        (FakeLlmFormat.Anthropic, false, true) => "anthropic-message-stream.sse",
        (FakeLlmFormat.Anthropic, true, false) => "anthropic-tool-use.json",
        _ => "anthropic-tool-use-stream.sse",
    };

    private static string ReadStreamFixture(FakeLlmRequest request) => FakeLlmUpstream.ReadFixture(FixtureName(request with
    {
        Body = request.Json is JsonObject o ? SetStream(o) : request.Body,
    }));

    private static string SetStream(JsonObject body)
    {
        body["stream"] = true;
        return body.ToJsonString();
    }

    private static Task WriteFixtureAsync(HttpContext context, FakeLlmRequest request, string name)
    {
        var text = FakeLlmUpstream.ReadFixture(name);
        return name.EndsWith(".sse", StringComparison.Ordinal) ? WriteEventsAsync(context, SplitEvents(text)) : WriteJsonAsync(context, 200, text);
    }

    /// <summary>Splits an event stream into its events (each with its closing blank line).</summary>
    public static IEnumerable<string> SplitEvents(string stream) =>
        stream.Replace("\r\n", "\n", StringComparison.Ordinal)
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e + "\n\n");

    private static async Task WriteEventsAsync(HttpContext context, IEnumerable<string> events)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        foreach (var e in events)
        {
            await context.Response.WriteAsync(e, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }

    private static Task WriteSseAsync(HttpContext context, string stream) => WriteEventsAsync(context, SplitEvents(stream));

    private static Task WriteJsonAsync(HttpContext context, int status, string json) => WriteRawAsync(context, status, "application/json", json);

    private static async Task WriteRawAsync(HttpContext context, int status, string contentType, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    private static Task WriteTextAsync(HttpContext context, FakeLlmRequest request, string text, int inputTokens, int outputTokens)
    {
        var model = request.Json["model"]?.GetValue<string>() ?? "fake-model";
        var id = "fake-" + Guid.NewGuid().ToString("N")[..12];
        var words = text.Split(' ');
        var pieces = words.Select((w, i) => i == 0 ? w : " " + w).ToList();
        if (request.Format == FakeLlmFormat.OpenAI)
        {
            var usage = new JsonObject { ["prompt_tokens"] = inputTokens, ["completion_tokens"] = outputTokens, ["total_tokens"] = inputTokens + outputTokens };
            if (!request.Stream)
            {
                var completion = new JsonObject
                {
                    ["id"] = id, ["object"] = "chat.completion", ["created"] = 1741569952, ["model"] = model,
                    ["choices"] = new JsonArray(new JsonObject
                    {
                        ["index"] = 0,
                        ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = text },
                        ["finish_reason"] = "stop",
                    }),
                    ["usage"] = usage,
                };
                return WriteJsonAsync(context, 200, completion.ToJsonString());
            }

            var events = new List<string>();
            JsonObject Chunk(JsonObject? delta, string? finish, JsonObject? chunkUsage) => new()
            {
                ["id"] = id, ["object"] = "chat.completion.chunk", ["created"] = 1741569952, ["model"] = model,
                ["choices"] = delta is null ? new JsonArray() : new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
                ["usage"] = chunkUsage,
            };
            events.Add("data: " + Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" }, null, null).ToJsonString() + "\n\n");
            events.AddRange(pieces.Select(p => "data: " + Chunk(new JsonObject { ["content"] = p }, null, null).ToJsonString() + "\n\n"));
            events.Add("data: " + Chunk(new JsonObject(), "stop", null).ToJsonString() + "\n\n");
            if (request.Json["stream_options"]?["include_usage"]?.GetValue<bool>() == true)
            {
                events.Add("data: " + Chunk(null, null, usage).ToJsonString() + "\n\n");
            }

            events.Add("data: [DONE]\n\n");
            return WriteEventsAsync(context, events);
        }

        if (!request.Stream)
        {
            var message = new JsonObject
            {
                ["id"] = id, ["type"] = "message", ["role"] = "assistant", ["model"] = model,
                ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }),
                ["stop_reason"] = "end_turn", ["stop_sequence"] = null,
                ["usage"] = new JsonObject { ["input_tokens"] = inputTokens, ["output_tokens"] = outputTokens },
            };
            return WriteJsonAsync(context, 200, message.ToJsonString());
        }

        var sse = new List<string>
        {
            Event("message_start", new JsonObject
            {
                ["type"] = "message_start",
                ["message"] = new JsonObject
                {
                    ["id"] = id, ["type"] = "message", ["role"] = "assistant", ["model"] = model, ["content"] = new JsonArray(),
                    ["stop_reason"] = null, ["stop_sequence"] = null,
                    ["usage"] = new JsonObject { ["input_tokens"] = inputTokens, ["output_tokens"] = 1 },
                },
            }),
            Event("content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = 0, ["content_block"] = new JsonObject { ["type"] = "text", ["text"] = "" } }),
        };
        sse.AddRange(pieces.Select(p => Event("content_block_delta", new JsonObject
        {
            ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = p },
        })));
        sse.Add(Event("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = 0 }));
        sse.Add(Event("message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = "end_turn", ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["output_tokens"] = outputTokens },
        }));
        sse.Add(Event("message_stop", new JsonObject { ["type"] = "message_stop" }));
        return WriteEventsAsync(context, sse);

        static string Event(string name, JsonObject data) => $"event: {name}\ndata: {data.ToJsonString()}\n\n";
    }

    /// <summary>An HTTP date <paramref name="after"/> from now, for <c>Retry-After</c>.</summary>
    public static string HttpDate(DateTimeOffset now, TimeSpan after) => (now + after).ToString("r", CultureInfo.InvariantCulture);
}
