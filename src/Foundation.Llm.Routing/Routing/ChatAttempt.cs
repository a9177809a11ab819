using Foundation.Llm.Routing.Diagnostics;
using Microsoft.Extensions.AI;
using Polly;

namespace Foundation.Llm.Routing.Routing;

/// <summary>One attempt of a plain (non-streaming) request: the next deployment answers the whole response.</summary>
internal sealed class ChatAttempt : DeploymentAttempt<ChatResponse>
{
    public ChatAttempt(DeploymentSelector selector, TimeProvider time, LlmRoutingTelemetry telemetry, ClientResolver clients, DeploymentFeedback feedback)
        : base(selector, time, telemetry, clients, feedback)
    {
    }

    public override async ValueTask<Outcome<ChatResponse>> RunAsync(RouteRequest request, CancellationToken cancellationToken)
    {
        var now = Time.GetTimestamp();
        if (Select(request, now, out var refusal) is not { } deployment)
        {
            return Outcome.FromException<ChatResponse>(refusal!);
        }

        var state = deployment.State;
        var entered = false;
        try
        {
            var client = await Clients.ResolveClientAsync(request, deployment, cancellationToken).ConfigureAwait(false);
            request.Options.ModelId = deployment.Model;
            entered = Feedback.Enter(request, deployment, now);
            var response = await client.GetResponseAsync(request.Messages, request.Options, cancellationToken).ConfigureAwait(false);
            var end = Time.GetTimestamp();
            if (entered)
            {
                state.Exit();
                entered = false;
            }

            Feedback.OnAttemptSuccess(request, deployment, end - now, end, response.Usage);
            DeploymentStamp.Stamp(response.AdditionalProperties ??= [], deployment);
            return Outcome.FromResult(response);
        }
        catch (Exception ex)
        {
            if (entered)
            {
                state.Exit();
            }

            Feedback.OnAttemptFailure(request, deployment, ex);
            return Outcome.FromException<ChatResponse>(ex);
        }
    }
}
