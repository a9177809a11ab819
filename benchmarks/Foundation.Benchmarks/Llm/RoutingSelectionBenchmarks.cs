using BenchmarkDotNet.Attributes;
using Foundation.Llm.Routing;
using Foundation.Llm.Routing.Routing;
using Foundation.Pricing;
using Microsoft.Extensions.AI;

namespace Foundation.Benchmarks.Llm;

/// <summary>
/// Choosing a deployment (target: at most 100 ns and 0 bytes): every strategy over 1, 10 and 100 deployments of one alias,
/// all eligible except one in ten cooling down, with live state (in-flight counts, latency averages, a minute of RPM/TPM usage,
/// cached prices) as a running router has it.
/// </summary>
[MemoryDiagnoser]
public class RoutingSelectionBenchmarks
{
    private AliasGroup _group = null!;
    private DeploymentSelector _selector = null!;
    private ulong[] _blocked = null!;
    private long _now;

    [Params(1, 10, 100)]
    public int Deployments { get; set; }

    [Params(
        RoutingStrategy.Priority,
        RoutingStrategy.WeightedRandom,
        RoutingStrategy.RoundRobin,
        RoutingStrategy.LeastInFlight,
        RoutingStrategy.LowestLatency,
        RoutingStrategy.UsageBased,
        RoutingStrategy.LowestCost)]
    public RoutingStrategy Strategy { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var time = TimeProvider.System;
        var prices = new Prices();
        var options = new LlmRoutingOptions();
        var model = new LlmModelOptions { Strategy = Strategy };
        options.Models["chat"] = model;
        var hosts = new List<HostDeployment>();
        using var client = new NullClient();
        for (var i = 0; i < Deployments; i++)
        {
            var deployment = new LlmDeploymentOptions { Provider = "bench", Model = "m" + i, Priority = i, Weight = 1 + (i % 5), Rpm = 100_000, Tpm = 10_000_000 };
            hosts.Add(new HostDeployment("chat", "d" + i, client, deployment));
            prices.Known["bench/m" + i] = new ModelPrice(1m + i, 2m + i);
        }

        var table = RouteTable.Build(options, hosts, clientFactory: null);
        _group = table.Groups["chat"];
        _selector = new DeploymentSelector(time, prices, random: null);
        _blocked = new ulong[_group.MaskLength];
        _now = time.GetTimestamp();
        var second = _now / time.TimestampFrequency;
        for (var i = 0; i < _group.Deployments.Length; i++)
        {
            var state = _group.Deployments[i].State;
            state.RecordLatency(1000 + (i * 37 % 500));
            state.Requests.Add(second, i % 7);
            state.Tokens.Add(second, 1000 * (i % 11));
            if (Deployments > 1 && i % 10 == 3)
            {
                state.RecordFailure(1, _now, TimeSpan.FromHours(1).Ticks * time.TimestampFrequency / TimeSpan.TicksPerSecond);
            }
        }

        if (Select() < 0)
        {
            throw new InvalidOperationException("benchmark setup is wrong: nothing selectable");
        }
    }

    [Benchmark]
    public int Select() => _selector.Select(_group, _blocked, _now, 500, 256);

    private sealed class Prices : IModelPriceProvider
    {
        public Dictionary<string, ModelPrice> Known { get; } = new(StringComparer.Ordinal);

        public bool TryGetPrice(string provider, string model, DateTimeOffset asOf, out ModelPrice price) => Known.TryGetValue(provider + "/" + model, out price);
    }

    private sealed class NullClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
            => throw new NotSupportedException();

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
            => throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
