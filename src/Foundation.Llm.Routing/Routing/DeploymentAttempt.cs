using Foundation.Llm.Routing.Diagnostics;
using Foundation.Llm.Routing.Resilience;

namespace Foundation.Llm.Routing.Routing;

/// <summary>
/// What a plain and a streaming attempt share: picking the next deployment of the request's alias with the alias's strategy, the
/// client for it (<see cref="ClientResolver"/>) and the outcome's bookkeeping (<see cref="DeploymentFeedback"/>).
/// </summary>
/// <typeparam name="T">What a successful attempt produces.</typeparam>
internal abstract class DeploymentAttempt<T> : RouteAttempt<T>
{
    protected DeploymentAttempt(DeploymentSelector selector, TimeProvider time, LlmRoutingTelemetry telemetry, ClientResolver clients, DeploymentFeedback feedback)
    {
        Selector = selector;
        Time = time;
        Telemetry = telemetry;
        Clients = clients;
        Feedback = feedback;
    }

    protected DeploymentSelector Selector { get; }

    protected TimeProvider Time { get; }

    protected LlmRoutingTelemetry Telemetry { get; }

    protected ClientResolver Clients { get; }

    protected DeploymentFeedback Feedback { get; }

    /// <summary>
    /// Picks the next deployment at <paramref name="now"/> and counts the pick; <see langword="null"/> with
    /// <paramref name="refusal"/> set when none is eligible.
    /// </summary>
    protected LlmDeployment? Select(RouteRequest request, long now, out Exception? refusal)
    {
        var deployment = request.SelectNext(Selector, now);
        if (deployment is null)
        {
            refusal = request.NoDeployment(now, Selector.Frequency, atStart: request.Attempts == 0);
            return null;
        }

        refusal = null;
        Telemetry.RecordSelected(request.Group.Name, deployment.Name);
        return deployment;
    }
}
