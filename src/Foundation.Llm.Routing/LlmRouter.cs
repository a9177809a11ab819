using System.Runtime.ExceptionServices;
using Foundation.Callers;
using Foundation.Llm.Routing.Credentials;
using Foundation.Llm.Routing.Diagnostics;
using Foundation.Llm.Routing.Policies;
using Foundation.Llm.Routing.Resilience;
using Foundation.Llm.Routing.Routing;
using Foundation.Pricing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Foundation.Llm.Routing;

/// <summary>
/// One <see cref="IChatClient"/> over every configured deployment. <see cref="ChatOptions.ModelId"/> names an alias (<c>chat</c>),
/// a deployment name (<c>openai/gpt-4o-mini</c>) or a provider model (<c>gpt-4o-mini</c>); the router filters the alias's deployments
/// (policy, capabilities, cooldown), picks one with the alias's strategy and sends the call through a Polly pipeline (attempt timeout,
/// fallback to the next deployment, retry rounds with jittered backoff honouring Retry-After, overall deadline). Responses (and the
/// first update of a stream) carry the serving deployment in <see cref="ChatResponse.AdditionalProperties"/>
/// (<see cref="DeploymentPropertyName"/>, <see cref="ProviderPropertyName"/>). A stream that has produced an update is never moved
/// to another deployment: a later failure reaches the caller. An attempt on a caller's own credential (bring your own key) never
/// feeds the deployment's shared state (cooldown, latency, in-flight, RPM/TPM windows), and its failure reaches the caller
/// without fallback or retry; an <see cref="Outbound.OutboundAddressRefusedException"/> is never retried either.
/// </summary>
/// <remarks>
/// A facade over one piece per concern, each in its own file: <see cref="RouteRequestFactory"/> (model lookup, policy caps,
/// capability filter), <see cref="AliasFallbacks"/> (alias hops), <see cref="DeploymentSelector"/> (the strategies),
/// <see cref="ClientResolver"/> (the deployment's client or the caller's own key), <see cref="ChatAttempt"/> and
/// <see cref="StreamAttempt"/> (one attempt each), <see cref="DeploymentFeedback"/> (deployment state and cooldowns),
/// <see cref="RouteExecutor"/> with <see cref="RetryDecider"/> (first attempt outside Polly, then the resilience pipeline),
/// <see cref="RoutedStream"/> (a stream after its first update), <see cref="RequestTelemetry"/> and <see cref="ModelCatalog"/>.
/// </remarks>
public sealed class LlmRouter : IChatClient, ILlmModelCatalog
{
    /// <summary>The additional property naming the deployment that served a response.</summary>
    public const string DeploymentPropertyName = "foundation.deployment";

    /// <summary>The additional property naming the configured provider that served a response.</summary>
    public const string ProviderPropertyName = "foundation.provider";

    private readonly RouteTable _table;
    private readonly TimeProvider _time;
    private readonly LlmRoutingTelemetry _telemetry;
    private readonly DeploymentSelector _selector;
    private readonly ClientResolver _clients;
    private readonly RouteRequestFactory _requests;
    private readonly RouteExecutor _executor;
    private readonly ChatAttempt _chat;
    private readonly RoutedStream _stream;
    private readonly RequestTelemetry _requestTelemetry;
    private readonly ModelCatalog _catalog;
    private readonly ChatClientMetadata _metadata = new(RequestTelemetry.FoundationSystem);

    internal LlmRouter(
        RouteTable table,
        LlmResilienceOptions resilience,
        LlmPolicyOptions policies,
        ICurrentCaller caller,
        TimeProvider time,
        LlmRoutingTelemetry telemetry,
        IProviderCredentialResolver? credentials = null,
        ILlmClientFactory? clientFactory = null,
        IModelPriceProvider? prices = null,
        ILogger? logger = null,
        Random? random = null)
    {
        logger ??= NullLogger.Instance;
        _table = table;
        _time = time;
        _telemetry = telemetry;
        _selector = new DeploymentSelector(time, prices, random);
        _clients = new ClientResolver(caller, credentials, clientFactory);
        var evaluator = new PolicyEvaluator(policies);
        var aliases = new AliasFallbacks(table, resilience, telemetry, logger);
        var feedback = new DeploymentFeedback(time, resilience, telemetry, logger);
        _requests = new RouteRequestFactory(table, evaluator, caller, aliases, time);
        _executor = new RouteExecutor(resilience, time, new RetryDecider(resilience, time, aliases, telemetry, logger));
        _chat = new ChatAttempt(_selector, time, telemetry, _clients, feedback);
        _requestTelemetry = new RequestTelemetry(time, telemetry);
        _stream = new RoutedStream(time, _executor, new StreamAttempt(_selector, time, telemetry, _clients, feedback), feedback, _requestTelemetry);
        _catalog = new ModelCatalog(table, evaluator);
    }

    internal RouteTable Table => _table;

    internal DeploymentSelector Selector => _selector;

    internal LlmRoutingTelemetry Telemetry => _telemetry;

    internal ProviderClientCache? ClientCache => _clients.ClientCache;

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = _requests.Create(messages, options, cancellationToken);
        var started = _time.GetTimestamp();
        using var activity = RequestTelemetry.StartActivity(request.RequestedModel, streaming: false);
        request.Started = started;
        var outcome = await _executor.ExecuteAsync(request, _chat).ConfigureAwait(false);
        if (outcome.Exception is { } exception)
        {
            var error = _executor.Translate(exception, request);
            _requestTelemetry.Complete(request, activity, started, null, error);
            ExceptionDispatchInfo.Throw(error);
        }

        var response = outcome.Result!;
        _requestTelemetry.Complete(request, activity, started, response, null);
        return response;
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = _requests.Create(messages, options, cancellationToken);
        return _stream.StreamAsync(request, cancellationToken);
    }

    /// <inheritdoc />
    public IReadOnlyList<LlmModelInfo> ListModels(ICurrentCaller caller) => _catalog.ListModels(caller);

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return _metadata;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public void Dispose() => _telemetry.Dispose();
}
