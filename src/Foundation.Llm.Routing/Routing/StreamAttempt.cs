using Foundation.Llm.Routing.Diagnostics;
using Microsoft.Extensions.AI;
using Polly;

namespace Foundation.Llm.Routing.Routing;

/// <summary>
/// One attempt of a streaming request: it succeeds once the next deployment produced its first update (or ended without any); until
/// then a failure may move the request elsewhere. The stream then outlives the attempt (see <see cref="RoutedStream"/>).
/// </summary>
internal sealed class StreamAttempt : DeploymentAttempt<StreamStart>
{
    public StreamAttempt(DeploymentSelector selector, TimeProvider time, LlmRoutingTelemetry telemetry, ClientResolver clients, DeploymentFeedback feedback)
        : base(selector, time, telemetry, clients, feedback)
    {
    }

    public override async ValueTask<Outcome<StreamStart>> RunAsync(RouteRequest request, CancellationToken cancellationToken)
    {
        var now = Time.GetTimestamp();
        if (Select(request, now, out var refusal) is not { } deployment)
        {
            return Outcome.FromException<StreamStart>(refusal!);
        }

        var state = deployment.State;
        var entered = false;
        CancellationTokenSource? streamCancellation = null;
        IAsyncEnumerator<ChatResponseUpdate>? enumerator = null;
        try
        {
            var client = await Clients.ResolveClientAsync(request, deployment, cancellationToken).ConfigureAwait(false);
            request.Options.ModelId = deployment.Model;

            // The stream outlives this attempt, so it gets its own token (the caller's), cancelled by the attempt timeout and
            // the deadline only until the first update arrives.
            streamCancellation = CancellationTokenSource.CreateLinkedTokenSource(request.CallerToken);
            entered = Feedback.Enter(request, deployment, now);

            bool hasFirst;
            using (cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), streamCancellation))
            {
                enumerator = client.GetStreamingResponseAsync(request.Messages, request.Options, streamCancellation.Token).GetAsyncEnumerator(streamCancellation.Token);
                hasFirst = await enumerator.MoveNextAsync().ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            Feedback.RecordFirstUpdate(request, deployment, now);
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

            Feedback.OnAttemptFailure(request, deployment, ex);
            return Outcome.FromException<StreamStart>(ex);
        }
    }

    /// <summary>Disposes a provider's stream; a failing dispose must not hide the stream's own outcome.</summary>
    public static async ValueTask DisposeQuietlyAsync(IAsyncEnumerator<ChatResponseUpdate> enumerator)
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
}
