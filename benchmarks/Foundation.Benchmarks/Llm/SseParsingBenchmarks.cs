using System.Net;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Foundation.Llm.Routing.Providers;
using Foundation.Llm.Routing.Providers.Anthropic;
using Foundation.Llm.Routing.Providers.OpenAI;
using Foundation.Llm.Routing.Providers.Sse;
using Microsoft.Extensions.AI;

namespace Foundation.Benchmarks.Llm;

/// <summary>
/// Streaming throughput of the provider clients over 1,000-token answers, per event (<c>OperationsPerInvoke</c>): the SSE reader alone
/// (framing only), the reader plus the stream state (JSON chunk to <see cref="ChatResponseUpdate"/>), and the whole client over an
/// in-memory <see cref="HttpMessageHandler"/> (request body written, response read through <see cref="HttpClient"/>).
/// </summary>
[MemoryDiagnoser]
public class SseParsingBenchmarks
{
    private const int Tokens = 1000;
    private const int Events = Tokens + 3;
    private static readonly string[] s_words = ["The", " quick", " brown", " fox", " jumps", " over", " the", " lazy", " dog", ".", " Résumé", " naïve", " ☕"];

    private byte[] _openAI = [];
    private byte[] _anthropic = [];
    private int _openAIEvents;
    private int _anthropicEvents;
    private OpenAIChatClient _openAIClient = null!;
    private AnthropicChatClient _anthropicClient = null!;
    private readonly List<ChatMessage> _messages = [new(ChatRole.User, "Tell me a story.")];

    [GlobalSetup]
    public void Setup()
    {
        (_openAI, _openAIEvents) = BuildOpenAI();
        (_anthropic, _anthropicEvents) = BuildAnthropic();
        Console.WriteLine($"// OpenAI stream: {_openAI.Length:N0} bytes, {_openAIEvents} events ({_openAI.Length / _openAIEvents} B/event)");
        Console.WriteLine($"// Anthropic stream: {_anthropic.Length:N0} bytes, {_anthropicEvents} events ({_anthropic.Length / _anthropicEvents} B/event)");
        _openAIClient = new OpenAIChatClient(
            new HttpClient(new BytesHandler(_openAI)),
            new OpenAIChatClientOptions { BaseUrl = new Uri("http://upstream.test/v1"), ApiKey = "sk-bench", DefaultModel = "gpt-4o-mini" });
        _anthropicClient = new AnthropicChatClient(
            new HttpClient(new BytesHandler(_anthropic)),
            new AnthropicChatClientOptions { BaseUrl = new Uri("http://upstream.test/v1"), ApiKey = "sk-ant-bench", DefaultModel = "claude-3-5-haiku-latest" });
    }

    [Benchmark(OperationsPerInvoke = Events)]
    [BenchmarkCategory("framing")]
    public async Task<int> OpenAI_SseReaderOnly() => await ReadOnlyAsync(_openAI);

    [Benchmark(OperationsPerInvoke = Events)]
    [BenchmarkCategory("framing")]
    public async Task<int> Anthropic_SseReaderOnly() => await ReadOnlyAsync(_anthropic);

    [Benchmark(OperationsPerInvoke = Events)]
    [BenchmarkCategory("parse")]
    public async Task<int> OpenAI_ReaderAndChunkParsing()
    {
        var state = new OpenAIStreamState("bench", null);
        var updates = 0;
        await using var reader = new SseReader(new MemoryStream(_openAI, writable: false));
        while (await reader.ReadNextAsync())
        {
            if (state.Process(reader.Data) is not null)
            {
                updates++;
            }
        }

        return updates;
    }

    [Benchmark(OperationsPerInvoke = Events)]
    [BenchmarkCategory("parse")]
    public async Task<int> Anthropic_ReaderAndEventParsing()
    {
        var state = new AnthropicStreamState("bench", null);
        var updates = 0;
        await using var reader = new SseReader(new MemoryStream(_anthropic, writable: false));
        while (await reader.ReadNextAsync())
        {
            if (state.Process(reader.Data) is not null)
            {
                updates++;
            }
        }

        return updates;
    }

    [Benchmark(OperationsPerInvoke = Events)]
    [BenchmarkCategory("client")]
    public async Task<int> OpenAI_WholeClientStream()
    {
        var updates = 0;
        await foreach (var _ in _openAIClient.GetStreamingResponseAsync(_messages))
        {
            updates++;
        }

        return updates;
    }

    [Benchmark(OperationsPerInvoke = Events)]
    [BenchmarkCategory("client")]
    public async Task<int> Anthropic_WholeClientStream()
    {
        var updates = 0;
        await foreach (var _ in _anthropicClient.GetStreamingResponseAsync(_messages))
        {
            updates++;
        }

        return updates;
    }

    private static async Task<int> ReadOnlyAsync(byte[] bytes)
    {
        var events = 0;
        await using var reader = new SseReader(new MemoryStream(bytes, writable: false));
        while (await reader.ReadNextAsync())
        {
            events += reader.Data.Length > 0 ? 1 : 0;
        }

        return events;
    }

    private static (byte[] Bytes, int Events) BuildOpenAI()
    {
        var sb = new StringBuilder();
        var events = 0;
        void Chunk(object delta, string? finish, object? usage, bool choices = true)
        {
            var chunk = new Dictionary<string, object?>
            {
                ["id"] = "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
                ["object"] = "chat.completion.chunk",
                ["created"] = 1741569952,
                ["model"] = "gpt-4o-mini-2024-07-18",
                ["system_fingerprint"] = "fp_44709d6fcb",
                ["choices"] = choices ? new object[] { new Dictionary<string, object?> { ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = finish } } : Array.Empty<object>(),
                ["usage"] = usage,
            };
            sb.Append("data: ").Append(JsonSerializer.Serialize(chunk)).Append("\n\n");
            events++;
        }

        Chunk(new Dictionary<string, object?> { ["role"] = "assistant", ["content"] = string.Empty }, null, null);
        for (var i = 0; i < Tokens - 1; i++)
        {
            Chunk(new Dictionary<string, object?> { ["content"] = s_words[i % s_words.Length] }, null, null);
        }

        Chunk(new Dictionary<string, object?>(), "stop", null);
        Chunk(new Dictionary<string, object?>(), null, new { prompt_tokens = 12, completion_tokens = Tokens, total_tokens = Tokens + 12, prompt_tokens_details = new { cached_tokens = 0 }, completion_tokens_details = new { reasoning_tokens = 0 } }, choices: false);
        sb.Append("data: [DONE]\n\n");
        events++;
        return (Encoding.UTF8.GetBytes(sb.ToString()), events);
    }

    private static (byte[] Bytes, int Events) BuildAnthropic()
    {
        var sb = new StringBuilder();
        var events = 0;
        void Event(string name, object data)
        {
            sb.Append("event: ").Append(name).Append("\ndata: ").Append(JsonSerializer.Serialize(data)).Append("\n\n");
            events++;
        }

        Event("message_start", new { type = "message_start", message = new { id = "msg_01XFDUDYJgAACzvnptvVoYEL", type = "message", role = "assistant", model = "claude-3-5-haiku-20241022", content = Array.Empty<object>(), stop_reason = (string?)null, stop_sequence = (string?)null, usage = new { input_tokens = 12, cache_creation_input_tokens = 0, cache_read_input_tokens = 0, output_tokens = 1 } } });
        Event("content_block_start", new { type = "content_block_start", index = 0, content_block = new { type = "text", text = string.Empty } });
        Event("ping", new { type = "ping" });
        for (var i = 0; i < Tokens - 3; i++)
        {
            Event("content_block_delta", new { type = "content_block_delta", index = 0, delta = new { type = "text_delta", text = s_words[i % s_words.Length] } });
        }

        Event("content_block_stop", new { type = "content_block_stop", index = 0 });
        Event("message_delta", new { type = "message_delta", delta = new { stop_reason = "end_turn", stop_sequence = (string?)null }, usage = new { output_tokens = Tokens } });
        Event("message_stop", new { type = "message_stop" });
        return (Encoding.UTF8.GetBytes(sb.ToString()), events);
    }

    /// <summary>Answers every request with the same event stream, as a fresh in-memory content.</summary>
    private sealed class BytesHandler(byte[] body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new MemoryStream(body, writable: false)), RequestMessage = request };
            response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/event-stream");
            return Task.FromResult(response);
        }
    }
}
