using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Foundation.ScaleOut.Tests.Infrastructure;

/// <summary>
/// An OpenAI-compatible provider on loopback, in the test process (Kestrel): <c>POST /v1/chat/completions</c> answers one
/// assistant message and reports <see cref="PromptTokens"/> input and <see cref="CompletionTokens"/> output tokens, so the gateway's
/// metering and budgets run for real against a priced deployment. Every call is recorded with the key it was sent with.
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    public const int PromptTokens = 100;
    public const int CompletionTokens = 100;

    private readonly WebApplication _app;

    private FakeUpstream(WebApplication app) => _app = app;

    /// <summary>The provider's base URL (<c>http://127.0.0.1:{port}/v1</c>).</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>How long each answer takes (keeps calls in flight while an instance is killed).</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Every call: the Authorization header and the first user message.</summary>
    public ConcurrentQueue<UpstreamCall> Calls { get; } = new();

    public static async Task<FakeUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var upstream = new FakeUpstream(app);
        app.MapPost("/v1/chat/completions", (Func<HttpContext, Task<IResult>>)upstream.CompleteAsync);
        await app.StartAsync();
        upstream.BaseUrl = new Uri(app.Urls.First().TrimEnd('/') + "/v1");
        return upstream;
    }

    public int CountFor(string marker) => Calls.Count(c => c.Prompt.Contains(marker, StringComparison.Ordinal));

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task<IResult> CompleteAsync(HttpContext http)
    {
        using var body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        var model = body.RootElement.GetProperty("model").GetString() ?? "";
        var prompt = body.RootElement.GetProperty("messages").EnumerateArray()
            .Where(m => m.GetProperty("role").GetString() == "user")
            .Select(m => m.GetProperty("content"))
            .Select(c => c.ValueKind == JsonValueKind.String ? c.GetString() : c.ToString())
            .FirstOrDefault() ?? "";
        Calls.Enqueue(new UpstreamCall(http.Request.Headers.Authorization.ToString(), model, prompt));
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, http.RequestAborted);
        }

        return Results.Json(new
        {
            id = "chatcmpl-" + Guid.NewGuid().ToString("N"),
            @object = "chat.completion",
            created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            model,
            choices = new[] { new { index = 0, message = new { role = "assistant", content = "ok" }, finish_reason = "stop" } },
            usage = new { prompt_tokens = PromptTokens, completion_tokens = CompletionTokens, total_tokens = PromptTokens + CompletionTokens },
        });
    }
}

public sealed record UpstreamCall(string Authorization, string Model, string Prompt);
