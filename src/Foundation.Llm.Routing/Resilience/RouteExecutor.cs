using Foundation.Llm.Routing.Errors;
using Foundation.Llm.Routing.Routing;
using Polly;
using Polly.Timeout;

namespace Foundation.Llm.Routing.Resilience;

/// <summary>
/// Runs a request's attempts: the first under a single timer (the earlier of the attempt timeout and the deadline, armed once the
/// attempt waits, for what is left of it), returning at once when it succeeds; otherwise hands its outcome to the Polly pipeline,
/// which decides on fallbacks and retries (through <see cref="RetryDecider"/>) as if it had made that attempt (an attempt cut by its
/// timer becomes the <see cref="TimeoutRejectedException"/> Polly's timeout would have produced). Also turns the final failure into
/// the exception the caller sees (<see cref="Translate"/>).
/// </summary>
internal sealed class RouteExecutor
{
    private readonly LlmResilienceOptions _resilience;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline _pipeline;
    private readonly FirstAttemptTimer _firstAttempt;

    public RouteExecutor(LlmResilienceOptions resilience, TimeProvider time, RetryDecider retry)
    {
        _resilience = resilience;
        _time = time;
        _pipeline = LlmResiliencePipeline.Build(resilience, time, retry);
        _firstAttempt = new FirstAttemptTimer(time, resilience);
    }

    /// <summary>Runs <paramref name="attempt"/> for <paramref name="request"/> until one succeeds or the pipeline gives up.</summary>
    public async ValueTask<Outcome<T>> ExecuteAsync<T>(RouteRequest request, RouteAttempt<T> attempt)
    {
        var source = _firstAttempt.Start();
        var callerToken = request.CallerToken;
        var link = callerToken.CanBeCanceled ? callerToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), source) : default;
        Outcome<T> outcome;
        try
        {
            var pending = attempt.RunAsync(request, source.Token);
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

                    return attempt.RunAsync(request, ctx.CancellationToken);
                },
                context,
                (request, attempt)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>The exception the caller sees for the request's final failure: timeouts name the limit and its configuration key.</summary>
    public Exception Translate(Exception exception, RouteRequest request)
    {
        if (exception is TimeoutRejectedException timeout)
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

    private Outcome<T> DeadlineExceeded<T>(RouteRequest request, Exception failure)
    {
        request.DeadlineExceeded = true;
        return Outcome.FromException<T>(new TimeoutRejectedException(
            $"The operation didn't complete within the allowed timeout of '{_resilience.Deadline}'.", _resilience.Deadline, failure));
    }
}
