namespace Foundation.Llm.Routing;

/// <summary>A model alias: how to choose among its deployments and where to go when none fits.</summary>
public sealed class LlmModelOptions
{
    /// <summary>How a deployment is chosen. Default <see cref="RoutingStrategy.Priority"/>.</summary>
    public RoutingStrategy Strategy { get; set; } = RoutingStrategy.Priority;

    /// <summary>The deployments serving this alias.</summary>
    public IList<LlmDeploymentOptions> Deployments { get; } = new List<LlmDeploymentOptions>();

    /// <summary>An alias with larger context windows to use when the prompt exceeds every deployment's window here.</summary>
    public string? ContextWindowFallback { get; set; }

    /// <summary>An alias to try when a provider refuses the content by policy.</summary>
    public string? ContentPolicyFallback { get; set; }
}

/// <summary>How a deployment is chosen among the healthy, capable and allowed ones.</summary>
public enum RoutingStrategy
{
    /// <summary>Ordered fallback: lowest <see cref="LlmDeploymentOptions.Priority"/> first.</summary>
    Priority,

    /// <summary>Random, in proportion to <see cref="LlmDeploymentOptions.Weight"/>.</summary>
    WeightedRandom,

    /// <summary>Each in turn.</summary>
    RoundRobin,

    /// <summary>The one with the fewest requests in flight.</summary>
    LeastInFlight,

    /// <summary>The lowest exponentially weighted latency (time to first token for streams).</summary>
    LowestLatency,

    /// <summary>The most RPM/TPM headroom on sliding one-minute windows.</summary>
    UsageBased,

    /// <summary>The cheapest for the estimated request, from the registered price provider.</summary>
    LowestCost,
}
