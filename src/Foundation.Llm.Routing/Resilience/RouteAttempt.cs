using Foundation.Llm.Routing.Routing;
using Polly;

namespace Foundation.Llm.Routing.Resilience;

/// <summary>
/// One attempt of a routed request on the next deployment its alias offers: what <see cref="RouteExecutor"/> runs first on its own
/// and then, after a failure, inside the resilience pipeline. An attempt reports its failure as the outcome (it never throws), so
/// the pipeline's retry sees every failure without exception handling on the success path.
/// </summary>
/// <typeparam name="T">What a successful attempt produces (a response, or the start of a stream).</typeparam>
internal abstract class RouteAttempt<T>
{
    /// <summary>Selects a deployment for <paramref name="request"/> and calls it, bounded by <paramref name="cancellationToken"/>.</summary>
    public abstract ValueTask<Outcome<T>> RunAsync(RouteRequest request, CancellationToken cancellationToken);
}
