using System.Text.Json;
using System.Text.Json.Nodes;
using Foundation.Llm.Routing.Providers;
using Foundation.Llm.Routing.Providers.Anthropic;
using Foundation.Llm.Routing.Providers.OpenAI;
using Foundation.Tests.Common.Llm;
using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Tests.Providers;

internal static class ProviderTestHelpers
{
    public const string OpenAIKey = "sk-test-openai-0123456789";
    public const string AnthropicKey = "sk-ant-test-0123456789";

    public static HttpClient Http(TimeSpan? timeout = null) => new() { Timeout = timeout ?? TimeSpan.FromSeconds(30) };

    public static OpenAIChatClient OpenAI(FakeLlmUpstream upstream, HttpClient? http = null, Action<OpenAIChatClientOptions>? configure = null)
    {
        var options = new OpenAIChatClientOptions { BaseUrl = upstream.BaseUrl, ApiKey = OpenAIKey, DefaultModel = "gpt-4o-mini", ProviderName = "openai-test" };
        configure?.Invoke(options);
        return new OpenAIChatClient(http ?? Http(), options);
    }

    public static AnthropicChatClient Anthropic(FakeLlmUpstream upstream, HttpClient? http = null, Action<AnthropicChatClientOptions>? configure = null)
    {
        var options = new AnthropicChatClientOptions { BaseUrl = upstream.BaseUrl, ApiKey = AnthropicKey, DefaultModel = "claude-3-5-haiku-latest", ProviderName = "claude-test" };
        configure?.Invoke(options);
        return new AnthropicChatClient(http ?? Http(), options);
    }

    public static IChatClient Client(FakeLlmFormat format, FakeLlmUpstream upstream, HttpClient? http = null, TimeSpan? streamIdleTimeout = null) =>
        format == FakeLlmFormat.OpenAI
            ? OpenAI(upstream, http, o => o.StreamIdleTimeout = streamIdleTimeout)
            : Anthropic(upstream, http, o => o.StreamIdleTimeout = streamIdleTimeout);

    /// <summary>Asserts two JSON documents are equal, property order aside, showing both on failure.</summary>
    public static void ShouldBeJson(this string actual, string expected)
    {
        var a = JsonNode.Parse(actual);
        var e = JsonNode.Parse(expected);
        JsonNode.DeepEquals(a, e).ShouldBeTrue($"expected\n{e?.ToJsonString()}\nbut was\n{a?.ToJsonString()}");
    }

    public static AIFunctionDeclaration WeatherTool() => AIFunctionFactory.CreateDeclaration(
        "get_weather",
        "Current weather for a location",
        JsonDocument.Parse("""{"type":"object","properties":{"location":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["location"]}""").RootElement);

    public static async Task<List<ChatResponseUpdate>> CollectAsync(IAsyncEnumerable<ChatResponseUpdate> updates, CancellationToken cancellationToken = default)
    {
        var list = new List<ChatResponseUpdate>();
        await foreach (var update in updates.WithCancellation(cancellationToken))
        {
            list.Add(update);
        }

        return list;
    }
}
