using Foundation.Llm.Routing.Diagnostics;
using Foundation.Llm.Routing.Errors;
using Foundation.Llm.Routing.Routing;
using Microsoft.Extensions.Logging;

namespace Foundation.Llm.Routing.Resilience;

/// <summary>
/// The resilience pipeline's retry predicate: after a failed attempt, whether another follows and after what wait
/// (<see cref="RouteRequest.NextDelay"/>): a fallback alias for a context-window or content-policy refusal, the next untried
/// deployment at once, or a new round after a backoff. It knows the request and the alias fallbacks, never the router or the
/// pipeline that asks it.
/// </summary>
internal sealed partial class RetryDecider
{
    private readonly LlmResilienceOptions _resilience;
    private readonly TimeProvider _time;
    private readonly AliasFallbacks _aliases;
    private readonly LlmRoutingTelemetry _telemetry;
    private readonly ILogger _logger;

    public RetryDecider(LlmResilienceOptions resilience, TimeProvider time, AliasFallbacks aliases, LlmRoutingTelemetry telemetry, ILogger logger)
    {
        _resilience = resilience;
        _time = time;
        _aliases = aliases;
        _telemetry = telemetry;
        _logger = logger;
    }

    /// <summary>Decides whether a failed attempt is followed by another, and after what wait (set on the request).</summary>
    public bool ShouldRetry(RouteRequest request, Exception exception)
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
                return _aliases.TrySwitch(request, request.Group.ContextWindowFallback, from, "context_window");
            case LlmErrorKind.ContentFiltered:
                return _aliases.TrySwitch(request, request.Group.ContentPolicyFallback, from, "content_policy");
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

    [LoggerMessage(1, LogLevel.Information, "LLM alias {Alias}: deployment {Deployment} failed ({Reason}); falling back to the next deployment")]
    private static partial void LogFallback(ILogger logger, string alias, string deployment, string reason);

    [LoggerMessage(2, LogLevel.Information, "LLM alias {Alias}: every candidate failed (last: {Reason}); retry round {Round} after {Delay}")]
    private static partial void LogRetry(ILogger logger, string alias, int round, TimeSpan delay, string reason);
}
