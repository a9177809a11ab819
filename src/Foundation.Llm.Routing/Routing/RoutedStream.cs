using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Foundation.Llm.Routing.Diagnostics;
using Foundation.Llm.Routing.Resilience;
using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Routing;

/// <summary>
/// A routed stream: its attempts run until one deployment produced a first update (<see cref="StreamAttempt"/>, with fallbacks
/// and retries), which is stamped with the serving deployment; the rest of that deployment's stream follows. A stream that has
/// produced an update is never moved to another deployment: a later failure reaches the caller and counts against the deployment.
/// </summary>
internal sealed class RoutedStream
{
    private readonly TimeProvider _time;
    private readonly RouteExecutor _executor;
    private readonly StreamAttempt _attempt;
    private readonly DeploymentFeedback _feedback;
    private readonly RequestTelemetry _telemetry;

    public RoutedStream(TimeProvider time, RouteExecutor executor, StreamAttempt attempt, DeploymentFeedback feedback, RequestTelemetry telemetry)
    {
        _time = time;
        _executor = executor;
        _attempt = attempt;
        _feedback = feedback;
        _telemetry = telemetry;
    }

    public async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(RouteRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        request.CallerToken = cancellationToken;
        var started = _time.GetTimestamp();
        using var activity = RequestTelemetry.StartActivity(request.RequestedModel, streaming: true);
        request.Started = started;
        var outcome = await _executor.ExecuteAsync(request, _attempt).ConfigureAwait(false);
        if (outcome.Exception is { } exception)
        {
            var error = _executor.Translate(exception, request);
            _telemetry.Complete(request, activity, started, null, error);
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
                DeploymentStamp.Stamp(first.AdditionalProperties ??= [], deployment);
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
                        _feedback.OnAttemptFailure(request, deployment, ex);
                        throw;
                    }

                    Observe(update, ref responseModel, ref usage);
                    yield return update;
                }
            }
        }
        finally
        {
            await StreamAttempt.DisposeQuietlyAsync(enumerator).ConfigureAwait(false);
            start.Cancellation.Dispose();
            if (!start.CallerKey)
            {
                deployment.State.Exit();
            }

            if (failure is null)
            {
                _feedback.OnStreamSuccess(request, deployment, start.CallerKey, usage);
            }

            _telemetry.CompleteStream(request, activity, started, deployment, responseModel, usage, failure);
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
}
