using BenchmarkDotNet.Attributes;
using Foundation.Llm.Routing;
using Foundation.Llm.Routing.Routing;
using Microsoft.Extensions.AI;

namespace Foundation.Benchmarks.Llm;

/// <summary>
/// The live-traffic side of the cached winners of lowest latency and usage based: every operation first changes the state of the
/// current winner the way a served request does (a latency sample that raises its average every other time; one more request in
/// its RPM window, taken back right after), which drops the alias's cached winner, then selects. This is the selection cost when
/// the winner's state keeps moving, next to <see cref="RoutingSelectionBenchmarks"/>'s cost while it does not.
/// </summary>
[MemoryDiagnoser]
public class RoutingSelectionChurnBenchmarks
{
    private AliasGroup _group = null!;
    private DeploymentSelector _selector = null!;
    private ulong[] _blocked = null!;
    private long _now;
    private long _second;
    private bool _up;

    [Params(10, 100)]
    public int Deployments { get; set; }

    [Params(RoutingStrategy.LowestLatency, RoutingStrategy.UsageBased)]
    public RoutingStrategy Strategy { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var time = TimeProvider.System;
        var options = new LlmRoutingOptions();
        options.Models["chat"] = new LlmModelOptions { Strategy = Strategy };
        var hosts = new List<HostDeployment>();
        using var client = new NullClient();
        for (var i = 0; i < Deployments; i++)
        {
            var deployment = new LlmDeploymentOptions { Provider = "bench", Model = "m" + i, Priority = i, Rpm = 100_000, Tpm = 10_000_000 };
            hosts.Add(new HostDeployment("chat", "d" + i, client, deployment));
        }

        _group = RouteTable.Build(options, hosts, clientFactory: null).Groups["chat"];
        _selector = new DeploymentSelector(time, prices: null, random: null);
        _blocked = new ulong[_group.MaskLength];
        _now = time.GetTimestamp();
        _second = _now / time.TimestampFrequency;
        for (var i = 0; i < _group.Deployments.Length; i++)
        {
            var state = _group.Deployments[i].State;
            state.RecordLatency(1000 + (i * 37 % 500));
            state.Requests.Add(_second, i % 7);
            state.Tokens.Add(_second, 1000 * (i % 11));
        }

        if (Select() < 0)
        {
            throw new InvalidOperationException("benchmark setup is wrong: nothing selectable");
        }
    }

    [Benchmark]
    public int Select()
    {
        // Deployment 0 is the winner under both strategies.
        var state = _group.Deployments[0].State;
        if (Strategy == RoutingStrategy.LowestLatency)
        {
            _up = !_up;
            state.RecordLatency(_up ? 1010 : 990);
        }
        else
        {
            state.Requests.Add(_second, 1);
            state.Requests.Add(_second, -1);
        }

        return _selector.Select(_group, _blocked, _now, 500, 256);
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
