using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Foundation.Callers;
using Foundation.Llm.Routing.Credentials;
using Foundation.Llm.Routing.Diagnostics;
using Foundation.Llm.Routing.Errors;
using Foundation.Llm.Routing.Routing;
using Foundation.Pricing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Foundation.Llm.Routing.Tests.Routing;

/// <summary>An in-memory deployment whose behaviour is scripted per call.</summary>
internal sealed class ScriptedChatClient : IChatClient
{
    private readonly ConcurrentQueue<Func<ChatOptions?, CancellationToken, Task<ChatResponse>>> _script = new();
    private int _calls;

    public ScriptedChatClient(string name) => Name = name;

    public string Name { get; }

    public int Calls => Volatile.Read(ref _calls);

    public ConcurrentQueue<ChatOptions?> SeenOptions { get; } = new();

    /// <summary>What every call beyond the script does (default: answer with <see cref="Name"/>).</summary>
    public Func<ChatOptions?, CancellationToken, Task<ChatResponse>> Default { get; set; }
        = (options, _) => Task.FromResult(Answer(options?.ModelId ?? "model", "ok"));

    /// <summary>Streaming behaviour: updates to yield, then an optional failure.</summary>
    public Func<ChatOptions?, CancellationToken, IAsyncEnumerable<ChatResponseUpdate>>? Stream { get; set; }

    /// <summary>Runs once per call before answering (for example to advance a fake clock).</summary>
    public Action? OnCall { get; set; }

    public ScriptedChatClient Then(Func<ChatOptions?, CancellationToken, Task<ChatResponse>> step)
    {
        _script.Enqueue(step);
        return this;
    }

    public ScriptedChatClient ThenFail(LlmErrorKind kind, TimeSpan? retryAfter = null)
        => Then((_, _) => Task.FromException<ChatResponse>(new LlmProviderException(kind, $"{Name} failed: {kind}", retryAfter: retryAfter)));

    public static ChatResponse Answer(string model, string text, long input = 10, long output = 5)
        => new(new ChatMessage(ChatRole.Assistant, text))
        {
            ModelId = model,
            Usage = new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output },
        };

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        SeenOptions.Enqueue(options?.Clone());
        OnCall?.Invoke();
        return _script.TryDequeue(out var step) ? step(options, cancellationToken) : Default(options, cancellationToken);
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        SeenOptions.Enqueue(options?.Clone());
        return (Stream ?? DefaultStream)(options, cancellationToken);
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> DefaultStream(ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        yield return new ChatResponseUpdate(ChatRole.Assistant, "Hel") { ModelId = options?.ModelId };
        yield return new ChatResponseUpdate(ChatRole.Assistant, "lo");
        yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(new UsageDetails { InputTokenCount = 7, OutputTokenCount = 2, TotalTokenCount = 9 })]);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}

/// <summary>Where the tests' <see cref="FakeTimeProvider"/> clocks start.</summary>
internal static class TestClock
{
    public static readonly DateTimeOffset Start = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A clock the test moves, at <see cref="Start"/>; its timers (Polly's timeouts and delays) fire when it is advanced.</summary>
    public static FakeTimeProvider Create() => new(Start);
}

internal sealed class TestCaller(string? userId = "user-1", string? tenantId = null, params string[] roles) : ICurrentCaller
{
    public string? UserId => userId;

    public string? TenantId => tenantId;

    public IReadOnlyList<string> Roles => roles;

    public string? RequestId => null;
}

internal sealed class FakePrices : IModelPriceProvider
{
    public Dictionary<string, ModelPrice> Prices { get; } = new(StringComparer.Ordinal);

    public int Lookups { get; private set; }

    public bool TryGetPrice(string provider, string model, DateTimeOffset asOf, out ModelPrice price)
    {
        Lookups++;
        return Prices.TryGetValue(provider + "/" + model, out price);
    }
}

internal sealed class ListLogger : ILogger
{
    public ConcurrentQueue<string> Messages { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Messages.Enqueue(formatter(state, exception));
}

internal sealed class RecordingClientFactory : ILlmClientFactory
{
    public ConcurrentQueue<(string Provider, ProviderCredential? Credential, ScriptedChatClient Client)> Created { get; } = new();

    /// <summary>Adjusts each client once created (for example to make a given key fail).</summary>
    public Action<ProviderCredential?, ScriptedChatClient>? OnCreate { get; set; }

    public IChatClient Create(string providerName, LlmProviderOptions options, ProviderCredential? credential)
    {
        var client = new ScriptedChatClient(credential is null ? providerName : providerName + ":" + credential.ApiKey);
        client.Default = (o, _) => Task.FromResult(ScriptedChatClient.Answer(o?.ModelId ?? "?", "key=" + (credential?.ApiKey ?? options.ApiKey)));
        OnCreate?.Invoke(credential, client);
        Created.Enqueue((providerName, credential, client));
        return client;
    }
}

/// <summary>Builds a router directly (seeded randomness, fake time) over host deployments and configured providers.</summary>
internal sealed class RouterHarness : IDisposable
{
    private readonly List<HostDeployment> _hosts = [];

    public LlmRoutingOptions Options { get; } = new();

    public ICurrentCaller Caller { get; set; } = AnonymousCaller.Instance;

    public TimeProvider Time { get; set; } = TimeProvider.System;

    public Random? Random { get; set; }

    public IModelPriceProvider? Prices { get; set; }

    public IProviderCredentialResolver? Credentials { get; set; }

    public ILlmClientFactory? ClientFactory { get; set; }

    public IMeterFactory? MeterFactory { get; set; }

    public ListLogger Logger { get; } = new();

    public LlmRouter? Router { get; private set; }

    public RouterHarness()
    {
        Options.Resilience.BaseDelay = TimeSpan.Zero;
        Options.Resilience.MaxDelay = TimeSpan.FromMilliseconds(50);
    }

    public ScriptedChatClient Add(string alias, string name, Action<LlmDeploymentOptions>? configure = null)
    {
        var client = new ScriptedChatClient(name);
        var options = new LlmDeploymentOptions { Name = name, Provider = "host", Model = name + "-model" };
        configure?.Invoke(options);
        _hosts.Add(new HostDeployment(alias, name, client, options));
        return client;
    }

    public LlmModelOptions Alias(string alias, RoutingStrategy strategy = RoutingStrategy.Priority)
    {
        if (!Options.Models.TryGetValue(alias, out var model))
        {
            model = new LlmModelOptions();
            Options.Models[alias] = model;
        }

        model.Strategy = strategy;
        return model;
    }

    public LlmRouter Build()
    {
        var validation = new LlmRoutingOptionsValidator(_hosts).Validate(null, Options);
        validation.Failed.ShouldBeFalse(validation.FailureMessage);
        Router = new LlmRouter(
            RouteTable.Build(Options, _hosts, ClientFactory),
            Options.Resilience,
            Options.Policies,
            Caller,
            Time,
            new LlmRoutingTelemetry(MeterFactory),
            Credentials,
            ClientFactory,
            Prices,
            Logger,
            Random);
        return Router;
    }

    public void Dispose() => Router?.Dispose();

    public static ChatOptions For(string model, Action<ChatOptions>? configure = null)
    {
        var options = new ChatOptions { ModelId = model };
        configure?.Invoke(options);
        return options;
    }

    public static List<ChatMessage> Prompt(string text = "Hello") => [new ChatMessage(ChatRole.User, text)];
}
