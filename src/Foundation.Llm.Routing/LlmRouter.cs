using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Foundation.Callers;
using Foundation.Llm.Routing.Credentials;
using Foundation.Llm.Routing.Diagnostics;
using Foundation.Llm.Routing.Errors;
using Foundation.Llm.Routing.Policies;
using Foundation.Llm.Routing.Resilience;
using Foundation.Llm.Routing.Routing;
using Foundation.Pricing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Timeout;

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
public sealed partial class LlmRouter : IChatClient, ILlmModelCatalog
{
    /// <summary>The additional property naming the deployment that served a response.</summary>
    public const string DeploymentPropertyName = "foundation.deployment";

    /// <summary>The additional property naming the configured provider that served a response.</summary>
    public const string ProviderPropertyName = "foundation.provider";

    private const string FoundationSystem = "foundation";

    private readonly RouteTable _table;
    private readonly LlmResilienceOptions _resilience;
    private readonly ICurrentCaller _caller;
    private readonly TimeProvider _time;
    private readonly IProviderCredentialResolver? _credentials;
    private readonly ProviderClientCache? _clientCache;
    private readonly LlmRoutingTelemetry _telemetry;
    private readonly ILogger _logger;
    private readonly DeploymentSelector _selector;
    private readonly PolicyEvaluator _policies;
    private readonly ResiliencePipeline _pipeline;
    private readonly FirstAttemptTimer _firstAttempt;
    private readonly ChatClientMetadata _metadata = new(FoundationSystem);
    private readonly long _cooldownTicks;

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
        _table = table;
        _resilience = resilience;
        _caller = caller;
        _time = time;
        _telemetry = telemetry;
        _credentials = credentials;
        _clientCache = clientFactory is null ? null : new ProviderClientCache(clientFactory);
        _logger = logger ?? NullLogger.Instance;
        _selector = new DeploymentSelector(time, prices, random);
        _policies = new PolicyEvaluator(policies);
        _pipeline = LlmResiliencePipeline.Build(resilience, time);
        _firstAttempt = new FirstAttemptTimer(time, resilience);
        _cooldownTicks = (long)(resilience.CooldownPeriod.TotalSeconds * time.TimestampFrequency);
    }

    internal RouteTable Table => _table;

    internal DeploymentSelector Selector => _selector;

    internal LlmRoutingTelemetry Telemetry => _telemetry;

    internal ProviderClientCache? ClientCache => _clientCache;

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = Prepare(messages, options, cancellationToken);
        var started = _time.GetTimestamp();
        using var activity = StartActivity(request.RequestedModel, streaming: false);
        request.Started = started;
        var outcome = await ExecuteAsync(request, static (router, request, token) => router.AttemptAsync(request, token)).ConfigureAwait(false);
        if (outcome.Exception is { } exception)
        {
            var error = Translate(exception, request);
            Complete(request, activity, started, null, error);
            ExceptionDispatchInfo.Throw(error);
        }

        var response = outcome.Result!;
        Complete(request, activity, started, response, null);
        return response;
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = Prepare(messages, options, cancellationToken);
        return StreamAsync(request, cancellationToken);
    }

    /// <inheritdoc />
    public IReadOnlyList<LlmModelInfo> ListModels(ICurrentCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var rules = _policies.RulesFor(caller);
        var models = new List<LlmModelInfo>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var alias in _table.Aliases)
        {
            if (Allowed(rules, alias.Name, alias.Deployments) && seen.Add(alias.Name))
            {
                models.Add(new LlmModelInfo(alias.Name, IsAlias: true, OwnedBy: FoundationSystem));
            }
        }

        foreach (var deployment in _table.DistinctDeployments)
        {
            if (!seen.Contains(deployment.Model) && Allowed(rules, deployment.Model, [deployment]))
            {
                seen.Add(deployment.Model);
                models.Add(new LlmModelInfo(deployment.Model, IsAlias: false, OwnedBy: deployment.System));
            }
        }

        return models;

        static bool Allowed(PolicyRule[]? rules, string name, LlmDeployment[] deployments)
        {
            if (rules is null)
            {
                return true;
            }

            foreach (var rule in rules)
            {
                if (rule.Denied.Contains(name))
                {
                    return false;
                }
            }

            foreach (var deployment in deployments)
            {
                if (PolicyEvaluator.Refusal(rules, name, deployment) is null)
                {
                    return true;
                }
            }

            return false;
        }
    }

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

    private RouteRequest Prepare(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var model = options?.ModelId;
        if (string.IsNullOrWhiteSpace(model))
        {
            throw new LlmModelNotFoundException(model ?? string.Empty);
        }

        if (!_table.Groups.TryGetValue(model, out var group))
        {
            throw new LlmModelNotFoundException(model);
        }

        var list = messages as IList<ChatMessage> ?? [.. messages];
        var own = options!.Clone();
        var rules = _policies.RulesFor(_caller);
        if (rules is not null && PolicyEvaluator.CheckRequest(rules, model, own.MaxOutputTokens) is int cap && own.MaxOutputTokens is null)
        {
            own.MaxOutputTokens = cap;
        }

        var request = new RouteRequest(this, list, own, model, RequestFeatures.From(list, own), rules, cancellationToken);
        if (request.SetGroup(group))
        {
            return request;
        }

        if (request.AllRefusedByPolicy)
        {
            throw PolicyEvaluator.Refuse(rules!, model, request.PolicyRule!);
        }

        // Only the context window is missing: move to the configured larger alias (a few hops at most).
        while (request.OnlyContextWindowBlocks && request.Group.ContextWindowFallback is { } larger && request.AliasHops < _resilience.MaxAliasFallbacks
            && _table.Groups.TryGetValue(larger, out var largerGroup))
        {
            request.AliasHops++;
            var from = request.Group;
            _telemetry.RecordFallback(from.Name, from.Name, "context_window");
            LogAliasFallback(_logger, from.Name, larger, "context window");
            if (request.SetGroup(largerGroup))
            {
                return request;
            }
        }

        throw request.NoDeployment(_time.GetTimestamp(), _selector.Frequency, atStart: true);
    }

    /// <summary>
    /// Runs the first attempt under a single timer (the earlier of the attempt timeout and the deadline, armed once the attempt
    /// waits, for what is left of it) and returns at once when it
    /// succeeds; otherwise hands its outcome to the Polly pipeline, which decides on fallbacks and retries as if it had made that
    /// attempt (an attempt cut by its timer becomes the <see cref="TimeoutRejectedException"/> Polly's timeout would have produced).
    /// </summary>
    private async ValueTask<Outcome<T>> ExecuteAsync<T>(RouteRequest request, Func<LlmRouter, RouteRequest, CancellationToken, ValueTask<Outcome<T>>> attempt)
    {
        var source = _firstAttempt.Start();
        var callerToken = request.CallerToken;
        var link = callerToken.CanBeCanceled ? callerToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), source) : default;
        Outcome<T> outcome;
        try
        {
            var pending = attempt(this, request, source.Token);
            if (!pending.IsCompleted)
            {
                _firstAttempt.Arm(source, request.Started);
            }

            outcome = await pending.ConfigureAwait(false);
        }
        finally
        {
            link.Dispose();
        }

        var timedOut = source.IsCancellationRequested && !callerToken.IsCancellationRequested;
        _firstAttempt.Stop(source);
        if (outcome.Exception is not { } failure || callerToken.IsCancellationRequested)
        {
            // Success, or the caller gave up (never retried).
            return outcome;
        }

        if (timedOut && failure is OperationCanceledException)
        {
            if (_firstAttempt.DeadlineFirst)
            {
                return DeadlineExceeded<T>(request, failure);
            }

            failure = new TimeoutRejectedException(
                $"The operation didn't complete within the allowed timeout of '{_resilience.AttemptTimeout}'.", _resilience.AttemptTimeout, failure);
        }

        var remaining = _resilience.Deadline - _time.GetElapsedTime(request.Started);
        if (remaining <= TimeSpan.Zero)
        {
            return DeadlineExceeded<T>(request, failure);
        }

        request.RemainingDeadline = remaining;
        request.Replay = failure;
        var context = ResilienceContextPool.Shared.Get(callerToken);
        try
        {
            context.Properties.Set(LlmResiliencePipeline.RequestKey, request);
            return await _pipeline.ExecuteOutcomeAsync(
                static (ctx, state) =>
                {
                    var (request, attempt) = state;
                    if (request.Replay is { } replay)
                    {
                        request.Replay = null;
                        return new ValueTask<Outcome<T>>(Outcome.FromException<T>(replay));
                    }

                    return attempt(request.Router, request, ctx.CancellationToken);
                },
                context,
                (request, attempt)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Outcome<T> DeadlineExceeded<T>(RouteRequest request, Exception failure)
    {
        request.DeadlineExceeded = true;
        return Outcome.FromException<T>(new TimeoutRejectedException(
            $"The operation didn't complete within the allowed timeout of '{_resilience.Deadline}'.", _resilience.Deadline, failure));
    }

    private async ValueTask<Outcome<ChatResponse>> AttemptAsync(RouteRequest request, CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        var deployment = request.SelectNext(_selector, now);
        if (deployment is null)
        {
            return Outcome.FromException<ChatResponse>(request.NoDeployment(now, _selector.Frequency, atStart: request.Attempts == 0));
        }

        _telemetry.RecordSelected(request.Group.Name, deployment.Name);
        var state = deployment.State;
        var entered = false;
        try
        {
            var client = await ResolveClientAsync(request, deployment, cancellationToken).ConfigureAwait(false);
            request.Options.ModelId = deployment.Model;
            if (!request.CallerKey)
            {
                state.Enter();
                entered = true;
                state.Requests.Add(now / _selector.Frequency, 1);
            }

            var response = await client.GetResponseAsync(request.Messages, request.Options, cancellationToken).ConfigureAwait(false);
            var end = _time.GetTimestamp();
            if (entered)
            {
                state.Exit();
                entered = false;
            }

            OnAttemptSuccess(request, deployment, end - now, end, response.Usage);
            Stamp(response.AdditionalProperties ??= [], deployment);
            return Outcome.FromResult(response);
        }
        catch (Exception ex)
        {
            if (entered)
            {
                state.Exit();
            }

            OnAttemptFailure(request, deployment, ex);
            return Outcome.FromException<ChatResponse>(ex);
        }
    }

    private async ValueTask<Outcome<StreamStart>> StreamAttemptAsync(RouteRequest request, CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        var deployment = request.SelectNext(_selector, now);
        if (deployment is null)
        {
            return Outcome.FromException<StreamStart>(request.NoDeployment(now, _selector.Frequency, atStart: request.Attempts == 0));
        }

        _telemetry.RecordSelected(request.Group.Name, deployment.Name);
        var state = deployment.State;
        var entered = false;
        CancellationTokenSource? streamCancellation = null;
        IAsyncEnumerator<ChatResponseUpdate>? enumerator = null;
        try
        {
            var client = await ResolveClientAsync(request, deployment, cancellationToken).ConfigureAwait(false);
            request.Options.ModelId = deployment.Model;

            // The stream outlives this attempt, so it gets its own token (the caller's), cancelled by the attempt timeout and
            // the deadline only until the first update arrives.
            streamCancellation = CancellationTokenSource.CreateLinkedTokenSource(request.CallerToken);
            if (!request.CallerKey)
            {
                state.Enter();
                entered = true;
                state.Requests.Add(now / _selector.Frequency, 1);
            }

            bool hasFirst;
            using (cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), streamCancellation))
            {
                enumerator = client.GetStreamingResponseAsync(request.Messages, request.Options, streamCancellation.Token).GetAsyncEnumerator(streamCancellation.Token);
                hasFirst = await enumerator.MoveNextAsync().ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (!request.CallerKey)
            {
                state.RecordLatency(ToMicros(_time.GetTimestamp() - now));
            }

            return Outcome.FromResult(new StreamStart(enumerator, hasFirst ? enumerator.Current : null, streamCancellation, deployment, request.CallerKey));
        }
        catch (Exception ex)
        {
            if (enumerator is not null)
            {
                await DisposeQuietlyAsync(enumerator).ConfigureAwait(false);
            }

            streamCancellation?.Dispose();
            if (entered)
            {
                state.Exit();
            }

            OnAttemptFailure(request, deployment, ex);
            return Outcome.FromException<StreamStart>(ex);
        }
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(RouteRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        request.CallerToken = cancellationToken;
        var started = _time.GetTimestamp();
        using var activity = StartActivity(request.RequestedModel, streaming: true);
        request.Started = started;
        var outcome = await ExecuteAsync(request, static (router, request, token) => router.StreamAttemptAsync(request, token)).ConfigureAwait(false);
        if (outcome.Exception is { } exception)
        {
            var error = Translate(exception, request);
            Complete(request, activity, started, null, error);
            ExceptionDispatchInfo.Throw(error);
        }

        var start = outcome.Result!;
        var deployment = start.Deployment;
        var enumerator = start.Enumerator;
        string? responseModel = null;
        UsageDetails? usage = null;
        Exception? failure = null;
        try
        {
            if (start.First is { } first)
            {
                Observe(first, ref responseModel, ref usage);
                Stamp(first.AdditionalProperties ??= [], deployment);
                yield return first;

                while (true)
                {
                    ChatResponseUpdate update;
                    try
                    {
                        if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                        {
                            break;
                        }

                        update = enumerator.Current;
                    }
                    catch (Exception ex)
                    {
                        // Content already reached the caller: never restarted elsewhere, the failure surfaces.
                        failure = ex;
                        OnAttemptFailure(request, deployment, ex);
                        throw;
                    }

                    Observe(update, ref responseModel, ref usage);
                    yield return update;
                }
            }
        }
        finally
        {
            await DisposeQuietlyAsync(enumerator).ConfigureAwait(false);
            start.Cancellation.Dispose();
            if (!start.CallerKey)
            {
                deployment.State.Exit();
            }

            if (failure is null)
            {
                if (!start.CallerKey)
                {
                    deployment.State.RecordSuccess();
                    RecordTokens(request, deployment, usage, _time.GetTimestamp());
                }

                _telemetry.RecordAttempt(request.Group.Name, deployment.Name, "success");
            }

            CompleteStream(request, activity, started, deployment, responseModel, usage, failure);
        }
    }

    private static void Observe(ChatResponseUpdate update, ref string? responseModel, ref UsageDetails? usage)
    {
        responseModel ??= update.ModelId;
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is UsageContent usageContent)
            {
                if (usage is null)
                {
                    usage = new UsageDetails();
                }

                usage.Add(usageContent.Details);
            }
        }
    }

    private ValueTask<IChatClient> ResolveClientAsync(RouteRequest request, LlmDeployment deployment, CancellationToken cancellationToken)
    {
        request.CallerKey = false;
        if (_credentials is null || _clientCache is null || deployment.ProviderType is not { } type)
        {
            return new ValueTask<IChatClient>(deployment.Client);
        }

        return ResolveCredentialClientAsync(request, deployment, type, cancellationToken);
    }

    private async ValueTask<IChatClient> ResolveCredentialClientAsync(RouteRequest request, LlmDeployment deployment, Providers.LlmProviderType type, CancellationToken cancellationToken)
    {
        var credential = await _credentials!.ResolveAsync(_caller, deployment.ProviderName, type, cancellationToken).ConfigureAwait(false);
        if (credential is null)
        {
            return deployment.Client;
        }

        request.CallerKey = true;
        return _clientCache!.Get(deployment, credential);
    }

    private void OnAttemptSuccess(RouteRequest request, LlmDeployment deployment, long elapsedTimestamp, long now, UsageDetails? usage)
    {
        // A caller's own key says nothing about the shared deployment's health, speed or quota.
        if (!request.CallerKey)
        {
            var state = deployment.State;
            state.RecordSuccess();
            state.RecordLatency(ToMicros(elapsedTimestamp));
            RecordTokens(request, deployment, usage, now);
        }

        _telemetry.RecordAttempt(request.Group.Name, deployment.Name, "success");
    }

    private void RecordTokens(RouteRequest request, LlmDeployment deployment, UsageDetails? usage, long now)
    {
        var tokens = usage?.TotalTokenCount ?? ((usage?.InputTokenCount ?? 0) + (usage?.OutputTokenCount ?? 0));
        if (tokens <= 0)
        {
            tokens = request.Features.EstimatedInputTokens;
        }

        deployment.State.Tokens.Add(now / _selector.Frequency, tokens);
    }

    private void OnAttemptFailure(RouteRequest request, LlmDeployment deployment, Exception exception)
    {
        request.LastError = exception;
        var kind = LlmResiliencePipeline.Classify(exception, request.CallerToken);
        _telemetry.RecordAttempt(request.Group.Name, deployment.Name, kind is { } k ? LlmResiliencePipeline.KindName(k) : "error");
        if (kind is not { } failureKind || !LlmResiliencePipeline.CountsAgainstDeployment(failureKind) || request.CallerKey)
        {
            // Not the deployment's fault, or the caller's own key failed: the shared deployment is not cooled down for it.
            return;
        }

        if (deployment.State.RecordFailure(_resilience.CooldownFailures, _time.GetTimestamp(), _cooldownTicks))
        {
            _telemetry.RecordCooldown(deployment.Name);
            LogCooldown(_logger, deployment.Name, _resilience.CooldownFailures, _resilience.CooldownPeriod);
        }
    }

    /// <summary>Decides whether a failed attempt is followed by another, and after what wait (set on the request).</summary>
    internal bool ShouldRetry(RouteRequest request, Exception exception)
    {
        if (request.CallerToken.IsCancellationRequested || request.DeadlineExceeded)
        {
            return false;
        }

        var kind = LlmResiliencePipeline.Classify(exception, request.CallerToken);
        if (kind is not { } failure)
        {
            return false;
        }

        var from = request.Current?.Name ?? request.Group.Name;
        switch (failure)
        {
            case LlmErrorKind.ContextLengthExceeded:
                return SwitchAlias(request, request.Group.ContextWindowFallback, from, "context_window");
            case LlmErrorKind.ContentFiltered:
                return SwitchAlias(request, request.Group.ContentPolicyFallback, from, "content_policy");
            case LlmErrorKind.BadRequest:
                return false;
            default:
                break;
        }

        if (request.CallerKey)
        {
            // The caller's own key failed: the caller gets the provider's answer; no other deployment (perhaps on the operator's
            // key) serves it instead, and the caller's key is not retried on the caller's behalf.
            return false;
        }

        var now = _time.GetTimestamp();
        if (request.HasUntried(now))
        {
            request.NextDelay = TimeSpan.Zero;
            _telemetry.RecordFallback(request.Group.Name, from, LlmResiliencePipeline.KindName(failure));
            LogFallback(_logger, request.Group.Name, from, LlmResiliencePipeline.KindName(failure));
            return true;
        }

        if (failure == LlmErrorKind.AuthenticationFailed || request.Round >= _resilience.MaxRetries || !request.HasAnyForNewRound(now))
        {
            return false;
        }

        request.StartRound();
        request.NextDelay = LlmResiliencePipeline.RetryDelay(_resilience, request.Round, (exception as LlmProviderException)?.RetryAfter);
        LogRetry(_logger, request.Group.Name, request.Round, request.NextDelay, LlmResiliencePipeline.KindName(failure));
        return true;
    }

    private bool SwitchAlias(RouteRequest request, string? alias, string from, string reason)
    {
        if (alias is null || request.AliasHops >= _resilience.MaxAliasFallbacks || !_table.Groups.TryGetValue(alias, out var group))
        {
            return false;
        }

        var previous = request.Group.Name;
        request.AliasHops++;
        if (!request.SetGroup(group))
        {
            return false;
        }

        request.NextDelay = TimeSpan.Zero;
        _telemetry.RecordFallback(previous, from, reason);
        LogAliasFallback(_logger, previous, alias, reason);
        return true;
    }

    private Exception Translate(Exception exception, RouteRequest request)
    {
        if (exception is Polly.Timeout.TimeoutRejectedException timeout)
        {
            if (request.DeadlineExceeded)
            {
                return new LlmProviderException(
                    LlmErrorKind.Timeout,
                    $"The request for '{request.RequestedModel}' did not complete within the deadline of {_resilience.Deadline} (Foundation:Llm:Resilience:Deadline) after {request.Attempts} attempt(s).",
                    provider: request.Current?.ProviderName,
                    innerException: request.LastError ?? timeout);
            }

            return new LlmProviderException(
                LlmErrorKind.Timeout,
                $"Deployment '{request.Current?.Name}' did not answer within {_resilience.AttemptTimeout} (Foundation:Llm:Resilience:AttemptTimeout).",
                provider: request.Current?.ProviderName,
                innerException: timeout);
        }

        if (exception is OperationCanceledException && !request.CallerToken.IsCancellationRequested && request.DeadlineExceeded)
        {
            return new LlmProviderException(
                LlmErrorKind.Timeout,
                $"The request for '{request.RequestedModel}' did not complete within the deadline of {_resilience.Deadline} (Foundation:Llm:Resilience:Deadline).",
                provider: request.Current?.ProviderName,
                innerException: exception);
        }

        return exception;
    }

    private static void Stamp(AdditionalPropertiesDictionary properties, LlmDeployment deployment)
    {
        properties[DeploymentPropertyName] = deployment.Name;
        properties[ProviderPropertyName] = deployment.ProviderName;
    }

    private static Activity? StartActivity(string model, bool streaming)
    {
        if (!LlmRoutingTelemetry.ActivitySource.HasListeners())
        {
            return null;
        }

        var activity = LlmRoutingTelemetry.ActivitySource.StartActivity("chat " + model, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(LlmRoutingTelemetry.OperationTag, LlmRoutingTelemetry.ChatOperation);
            activity.SetTag(LlmRoutingTelemetry.RequestModelTag, model);
            activity.SetTag("foundation.llm.streaming", streaming);
        }

        return activity;
    }

    private void Complete(RouteRequest request, Activity? activity, long started, ChatResponse? response, Exception? error)
    {
        var deployment = request.Current;
        var responseModel = response?.ModelId ?? (response is null ? null : deployment?.Model);
        Finish(request, activity, started, deployment, responseModel, response?.Usage, error);
    }

    private void CompleteStream(RouteRequest request, Activity? activity, long started, LlmDeployment deployment, string? responseModel, UsageDetails? usage, Exception? error)
        => Finish(request, activity, started, deployment, responseModel ?? (error is null ? deployment.Model : null), usage, error);

    private void Finish(RouteRequest request, Activity? activity, long started, LlmDeployment? deployment, string? responseModel, UsageDetails? usage, Exception? error)
    {
        var system = deployment?.System ?? FoundationSystem;
        var errorType = error is null ? null : ErrorType(error);
        var seconds = (double)(_time.GetTimestamp() - started) / _selector.Frequency;
        _telemetry.RecordOperation(seconds, system, request.RequestedModel, responseModel, errorType, error is null ? usage?.InputTokenCount : null, error is null ? usage?.OutputTokenCount : null);
        if (activity is not null)
        {
            activity.SetTag(LlmRoutingTelemetry.SystemTag, system);
            if (deployment is not null)
            {
                activity.SetTag(LlmRoutingTelemetry.DeploymentTag, deployment.Name);
            }

            if (responseModel is not null)
            {
                activity.SetTag(LlmRoutingTelemetry.ResponseModelTag, responseModel);
            }

            if (usage is not null)
            {
                activity.SetTag("gen_ai.usage.input_tokens", usage.InputTokenCount);
                activity.SetTag("gen_ai.usage.output_tokens", usage.OutputTokenCount);
            }

            if (errorType is not null)
            {
                activity.SetTag(LlmRoutingTelemetry.ErrorTypeTag, errorType);
                activity.SetStatus(ActivityStatusCode.Error, error!.Message);
            }
        }
    }

    private static string ErrorType(Exception error) => error switch
    {
        LlmProviderException provider => LlmResiliencePipeline.KindName(provider.Kind),
        LlmNoDeploymentAvailableException => "no_deployment_available",
        LlmPolicyException => "policy_refused",
        LlmModelNotFoundException => "model_not_found",
        OperationCanceledException => "cancelled",
        _ => error.GetType().FullName ?? "error",
    };

    private long ToMicros(long elapsedTimestamp) => elapsedTimestamp * 1_000_000 / _selector.Frequency;

    private static async ValueTask DisposeQuietlyAsync(IAsyncEnumerator<ChatResponseUpdate> enumerator)
    {
        try
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failing dispose must not hide the stream's own outcome.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    [LoggerMessage(1, LogLevel.Information, "LLM alias {Alias}: deployment {Deployment} failed ({Reason}); falling back to the next deployment")]
    private static partial void LogFallback(ILogger logger, string alias, string deployment, string reason);

    [LoggerMessage(2, LogLevel.Information, "LLM alias {Alias}: every candidate failed (last: {Reason}); retry round {Round} after {Delay}")]
    private static partial void LogRetry(ILogger logger, string alias, int round, TimeSpan delay, string reason);

    [LoggerMessage(3, LogLevel.Warning, "LLM deployment {Deployment} failed {Failures} times in a row; out of rotation for {Period}")]
    private static partial void LogCooldown(ILogger logger, string deployment, int failures, TimeSpan period);

    [LoggerMessage(4, LogLevel.Information, "LLM alias {Alias}: moving to fallback alias {Fallback} ({Reason})")]
    private static partial void LogAliasFallback(ILogger logger, string alias, string fallback, string reason);

    /// <summary>A stream that produced its first update (or ended without any) on <see cref="Deployment"/>.</summary>
    internal sealed record StreamStart(IAsyncEnumerator<ChatResponseUpdate> Enumerator, ChatResponseUpdate? First, CancellationTokenSource Cancellation, LlmDeployment Deployment, bool CallerKey);
}
