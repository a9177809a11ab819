using Foundation.Llm.Routing.Diagnostics;
using Foundation.Llm.Routing.Resilience;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Foundation.Llm.Routing.Routing;

/// <summary>
/// What an attempt's outcome teaches the deployment's shared state (<see cref="DeploymentState"/>: in-flight count, latency average,
/// RPM/TPM windows, consecutive failures and cooldown) and the attempt counters. An attempt on a caller's own key
/// (<see cref="RouteRequest.CallerKey"/>) says nothing about the shared deployment's health, speed or quota: only its counter is recorded.
/// </summary>
internal sealed partial class DeploymentFeedback
{
    private readonly TimeProvider _time;
    private readonly LlmResilienceOptions _resilience;
    private readonly LlmRoutingTelemetry _telemetry;
    private readonly ILogger _logger;
    private readonly long _frequency;
    private readonly long _cooldownTicks;

    public DeploymentFeedback(TimeProvider time, LlmResilienceOptions resilience, LlmRoutingTelemetry telemetry, ILogger logger)
    {
        _time = time;
        _resilience = resilience;
        _telemetry = telemetry;
        _logger = logger;
        _frequency = time.TimestampFrequency;
        _cooldownTicks = (long)(resilience.CooldownPeriod.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>
    /// Counts an attempt starting at <paramref name="now"/> as in flight on the deployment and in its RPM window, unless it runs on
    /// the caller's own key.
    /// </summary>
    /// <returns>Whether the attempt entered (and must <see cref="DeploymentState.Exit"/> when it ends).</returns>
    public bool Enter(RouteRequest request, LlmDeployment deployment, long now)
    {
        if (request.CallerKey)
        {
            return false;
        }

        var state = deployment.State;
        state.Enter();
        state.Requests.Add(now / _frequency, 1);
        return true;
    }

    /// <summary>Records how long since <paramref name="started"/> a stream took to its first update, unless on the caller's key.</summary>
    public void RecordFirstUpdate(RouteRequest request, LlmDeployment deployment, long started)
    {
        if (!request.CallerKey)
        {
            deployment.State.RecordLatency(ToMicros(_time.GetTimestamp() - started));
        }
    }

    /// <summary>A response arrived <paramref name="elapsedTimestamp"/> after the attempt started, at <paramref name="now"/>.</summary>
    public void OnAttemptSuccess(RouteRequest request, LlmDeployment deployment, long elapsedTimestamp, long now, UsageDetails? usage)
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

    /// <summary>A stream started on <paramref name="deployment"/> ended without failing (its latency was recorded at its first update).</summary>
    public void OnStreamSuccess(RouteRequest request, LlmDeployment deployment, bool callerKey, UsageDetails? usage)
    {
        if (!callerKey)
        {
            deployment.State.RecordSuccess();
            RecordTokens(request, deployment, usage, _time.GetTimestamp());
        }

        _telemetry.RecordAttempt(request.Group.Name, deployment.Name, "success");
    }

    /// <summary>An attempt failed: remembered on the request; counted against the deployment when it is the deployment's fault.</summary>
    public void OnAttemptFailure(RouteRequest request, LlmDeployment deployment, Exception exception)
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

    private void RecordTokens(RouteRequest request, LlmDeployment deployment, UsageDetails? usage, long now)
    {
        var tokens = usage?.TotalTokenCount ?? ((usage?.InputTokenCount ?? 0) + (usage?.OutputTokenCount ?? 0));
        if (tokens <= 0)
        {
            tokens = request.Features.EstimatedInputTokens;
        }

        deployment.State.Tokens.Add(now / _frequency, tokens);
    }

    private long ToMicros(long elapsedTimestamp) => elapsedTimestamp * 1_000_000 / _frequency;

    [LoggerMessage(3, LogLevel.Warning, "LLM deployment {Deployment} failed {Failures} times in a row; out of rotation for {Period}")]
    private static partial void LogCooldown(ILogger logger, string deployment, int failures, TimeSpan period);
}
