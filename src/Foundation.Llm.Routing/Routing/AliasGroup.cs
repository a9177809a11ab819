namespace Foundation.Llm.Routing.Routing;

/// <summary>An alias (or a concrete model / deployment name) and its deployments, precomputed at start and ordered by priority.</summary>
internal sealed class AliasGroup
{
    private int _counter;

    public AliasGroup(string name, bool isAlias, RoutingStrategy strategy, LlmDeployment[] deployments, string? contextWindowFallback, string? contentPolicyFallback)
    {
        Name = name;
        IsAlias = isAlias;
        Strategy = strategy;
        Deployments = deployments;
        ContextWindowFallback = contextWindowFallback;
        ContentPolicyFallback = contentPolicyFallback;
        MaskLength = (deployments.Length + 63) >> 6;
    }

    public string Name { get; }

    /// <summary>Whether <see cref="Name"/> is a configured alias (otherwise a provider model or a deployment name).</summary>
    public bool IsAlias { get; }

    public RoutingStrategy Strategy { get; }

    /// <summary>The deployments, lowest priority first (stable: configuration order among equals).</summary>
    public LlmDeployment[] Deployments { get; }

    public string? ContextWindowFallback { get; }

    public string? ContentPolicyFallback { get; }

    /// <summary>How many <see cref="ulong"/> words a bit mask over <see cref="Deployments"/> takes.</summary>
    public int MaskLength { get; }

    /// <summary>The next value of the round-robin / tie-break counter.</summary>
    public uint NextCounter() => (uint)Interlocked.Increment(ref _counter);
}
