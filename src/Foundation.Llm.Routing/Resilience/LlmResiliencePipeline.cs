using Foundation.Llm.Routing.Errors;
using Foundation.Llm.Routing.Routing;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Foundation.Llm.Routing.Resilience;

/// <summary>
/// The router's Polly pipeline, built once: overall deadline (timeout) → retry (fallback to the next deployment at once, or a new
/// round after a jittered exponential backoff / Retry-After) → per-attempt timeout. Every delegate reads the request from the pooled
/// <see cref="ResilienceContext"/>, so a call allocates no closures; the retry asks the <see cref="RetryDecider"/> given at build time
/// (the request carries no way back to the router). <see cref="RouteExecutor"/> runs a request's first attempt under one
/// <see cref="FirstAttemptTimer"/> and enters this pipeline only when that attempt fails: the pipeline then starts from the failed
/// outcome (<see cref="RouteRequest.Replay"/>), so its retry decides exactly as if it had run the first attempt itself, and the
/// deadline counts what the first attempt already used (<see cref="RouteRequest.RemainingDeadline"/>).
/// </summary>
internal static class LlmResiliencePipeline
{
    /// <summary>Where the request state travels in <see cref="ResilienceContext.Properties"/>.</summary>
    public static readonly ResiliencePropertyKey<RouteRequest> RequestKey = new("Foundation.Llm.Routing.Request");

    public static ResiliencePipeline Build(LlmResilienceOptions options, TimeProvider time, RetryDecider retry)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = time, Name = "Foundation.Llm.Routing" };
        builder.AddTimeout(new TimeoutStrategyOptions
        {
            Name = "Deadline",
            Timeout = options.Deadline,
            TimeoutGenerator = args => new ValueTask<TimeSpan>(
                args.Context.Properties.TryGetValue(RequestKey, out var request) ? request.RemainingDeadline : options.Deadline),
            OnTimeout = static args =>
            {
                if (args.Context.Properties.TryGetValue(RequestKey, out var request))
                {
                    request.DeadlineExceeded = true;
                }

                return default;
            },
        });
        builder.AddRetry(new RetryStrategyOptions
        {
            Name = "FallbackAndRetry",
            MaxRetryAttempts = int.MaxValue,
            Delay = TimeSpan.Zero,
            BackoffType = DelayBackoffType.Constant,
            UseJitter = false,
            ShouldHandle = args => new ValueTask<bool>(
                args.Outcome.Exception is { } exception
                && args.Context.Properties.TryGetValue(RequestKey, out var request)
                && retry.ShouldRetry(request, exception)),
            DelayGenerator = static args => new ValueTask<TimeSpan?>(
                args.Context.Properties.TryGetValue(RequestKey, out var request) ? request.NextDelay : TimeSpan.Zero),
        });
        builder.AddTimeout(new TimeoutStrategyOptions { Name = "Attempt", Timeout = options.AttemptTimeout });
        return builder.Build();
    }

    /// <summary>The failure kind of an attempt's exception, or <see langword="null"/> when it is not a provider failure (caller cancellation, bugs).</summary>
    public static LlmErrorKind? Classify(Exception exception, CancellationToken callerToken) => exception switch
    {
        LlmProviderException provider => provider.Kind,
        TimeoutRejectedException => LlmErrorKind.Timeout,
        OperationCanceledException when !callerToken.IsCancellationRequested => LlmErrorKind.Timeout,
        HttpRequestException => LlmErrorKind.UpstreamError,
        _ => null,
    };

    /// <summary>Whether a failure of this kind counts towards the deployment's cooldown (the request's own faults do not).</summary>
    public static bool CountsAgainstDeployment(LlmErrorKind kind) => kind is LlmErrorKind.RateLimited or LlmErrorKind.Overloaded
        or LlmErrorKind.UpstreamError or LlmErrorKind.Timeout or LlmErrorKind.MalformedResponse or LlmErrorKind.AuthenticationFailed;

    /// <summary>The wait before retry round <paramref name="round"/> (1-based): the provider's Retry-After when it gave one, else
    /// <c>BaseDelay * 2^(round-1)</c> with equal jitter (half fixed, half random); both capped at <c>MaxDelay</c>.</summary>
    public static TimeSpan RetryDelay(LlmResilienceOptions options, int round, TimeSpan? retryAfter)
    {
        if (retryAfter is { } asked && asked > TimeSpan.Zero)
        {
            return asked < options.MaxDelay ? asked : options.MaxDelay;
        }

        var exponential = options.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(round - 1, 30));
        var capped = Math.Min(exponential, options.MaxDelay.TotalMilliseconds);
        var jittered = (capped / 2) + (Random.Shared.NextDouble() * capped / 2);
        return TimeSpan.FromMilliseconds(jittered);
    }

    /// <summary>A stable snake-case label for a failure kind (metrics, logs, <c>error.type</c>).</summary>
    public static string KindName(LlmErrorKind kind) => kind switch
    {
        LlmErrorKind.RateLimited => "rate_limited",
        LlmErrorKind.Overloaded => "overloaded",
        LlmErrorKind.ContextLengthExceeded => "context_length_exceeded",
        LlmErrorKind.ContentFiltered => "content_filtered",
        LlmErrorKind.AuthenticationFailed => "authentication_failed",
        LlmErrorKind.BadRequest => "bad_request",
        LlmErrorKind.UpstreamError => "upstream_error",
        LlmErrorKind.Timeout => "timeout",
        LlmErrorKind.MalformedResponse => "malformed_response",
        _ => "error",
    };
}
