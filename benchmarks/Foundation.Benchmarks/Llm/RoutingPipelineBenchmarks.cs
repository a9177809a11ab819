using BenchmarkDotNet.Attributes;
using Foundation.Callers;
using Foundation.Llm.Routing;
using Foundation.Llm.Routing.Diagnostics;
using Foundation.Llm.Routing.Routing;
using Microsoft.Extensions.AI;

namespace Foundation.Benchmarks.Llm;

/// <summary>
/// The whole in-process pipeline (target: at most 2 µs added over calling the client directly): options copy, policy check
/// (one role rule), capability filter, strategy, Polly pipeline (deadline, retry, attempt timeout), telemetry and response
/// stamping, over an in-memory <see cref="IChatClient"/> that answers a prebuilt response. Plain and streaming.
/// </summary>
[MemoryDiagnoser]
public class RoutingPipelineBenchmarks
{
    private readonly List<ChatMessage> _messages = [new(ChatRole.System, "You are terse."), new(ChatRole.User, "Say hello in five words.")];
    private InMemoryClient _client = null!;
    private LlmRouter _router = null!;
    private ChatOptions _direct = null!;
    private ChatOptions _routed = null!;

    [GlobalSetup]
    public void Setup()
    {
        _client = new InMemoryClient();
        var options = new LlmRoutingOptions();
        options.Models["chat"] = new LlmModelOptions { Strategy = RoutingStrategy.RoundRobin };
        var policy = new LlmModelPolicy { MaxOutputTokens = 4096 };
        options.Policies.Roles["member"] = policy;
        var hosts = new List<HostDeployment>
        {
            new("chat", "a", _client, new LlmDeploymentOptions { Model = "m-a", ContextWindow = 128_000 }),
            new("chat", "b", _client, new LlmDeploymentOptions { Model = "m-b", ContextWindow = 128_000 }),
        };
        _router = new LlmRouter(
            RouteTable.Build(options, hosts, clientFactory: null),
            options.Resilience,
            options.Policies,
            new Caller(),
            TimeProvider.System,
            new LlmRoutingTelemetry(meterFactory: null));
        _direct = new ChatOptions { ModelId = "m-a", MaxOutputTokens = 256 };
        _routed = new ChatOptions { ModelId = "chat", MaxOutputTokens = 256 };
    }

    [GlobalCleanup]
    public void Cleanup() => _router.Dispose();

    [Benchmark(Baseline = true)]
    public Task<ChatResponse> Direct() => _client.GetResponseAsync(_messages, _direct);

    [Benchmark]
    public Task<ChatResponse> Routed() => _router.GetResponseAsync(_messages, _routed);

    [Benchmark]
    public async Task<int> DirectStream()
    {
        var count = 0;
        await foreach (var update in _client.GetStreamingResponseAsync(_messages, _direct).ConfigureAwait(false))
        {
            count += update.Contents.Count;
        }

        return count;
    }

    [Benchmark]
    public async Task<int> RoutedStream()
    {
        var count = 0;
        await foreach (var update in _router.GetStreamingResponseAsync(_messages, _routed).ConfigureAwait(false))
        {
            count += update.Contents.Count;
        }

        return count;
    }

    private sealed class Caller : ICurrentCaller
    {
        public string? UserId => "u";

        public string? TenantId => null;

        public IReadOnlyList<string> Roles { get; } = ["member"];

        public string? RequestId => null;
    }

    private sealed class InMemoryClient : IChatClient
    {
        private readonly ChatResponse _response = new(new ChatMessage(ChatRole.Assistant, "Hello there, how are you?"))
        {
            ModelId = "m-a",
            Usage = new UsageDetails { InputTokenCount = 20, OutputTokenCount = 7, TotalTokenCount = 27 },
        };

        private readonly ChatResponseUpdate[] _updates =
        [
            new(ChatRole.Assistant, "Hello there,") { ModelId = "m-a" },
            new(ChatRole.Assistant, " how are you?"),
            new(ChatRole.Assistant, [new UsageContent(new UsageDetails { InputTokenCount = 20, OutputTokenCount = 7, TotalTokenCount = 27 })]),
        ];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
            => Task.FromResult(_response);

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask.ConfigureAwait(false);
            foreach (var update in _updates)
            {
                yield return update;
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
