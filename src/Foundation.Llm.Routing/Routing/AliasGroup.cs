namespace Foundation.Llm.Routing.Routing;

/// <summary>An alias (or a concrete model / deployment name) and its deployments, precomputed at start and ordered by priority.</summary>
/// <remarks>
/// For the strategies that rank deployments by live state (lowest latency, usage based) the group caches its current winner
/// over all deployments, stamped with <see cref="Version"/>; a state change that can move the winner bumps the version
/// (<see cref="DeploymentState"/> notifies the groups it belongs to), so a selection while nothing relevant changed is one
/// compare instead of a scan. Lowest cost caches the deployments no other one undercuts on both prices, refreshed with the prices.
/// </remarks>
internal sealed class AliasGroup
{
    private int _counter;
    private int _version = 1;
    private long _pick;
    private long _second = long.MinValue;
    private CostFrontier? _costFrontier;

    public AliasGroup(string name, bool isAlias, RoutingStrategy strategy, LlmDeployment[] deployments, string? contextWindowFallback, string? contentPolicyFallback)
    {
        Name = name;
        IsAlias = isAlias;
        Strategy = strategy;
        Deployments = deployments;
        ContextWindowFallback = contextWindowFallback;
        ContentPolicyFallback = contentPolicyFallback;
        MaskLength = (deployments.Length + 63) >> 6;
        CumulativeWeights = new long[deployments.Length];
        long total = 0;
        for (var i = 0; i < deployments.Length; i++)
        {
            total += Math.Max(0, deployments[i].Weight);
            CumulativeWeights[i] = total;
        }

        TotalWeight = total;
        if (strategy is RoutingStrategy.LowestLatency or RoutingStrategy.UsageBased)
        {
            for (var i = 0; i < deployments.Length; i++)
            {
                deployments[i].State.Join(this, i);
            }
        }
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

    /// <summary>Running sums of the (non-negative) weights, for a binary search under weighted random.</summary>
    public long[] CumulativeWeights { get; }

    /// <summary>The sum of the weights.</summary>
    public long TotalWeight { get; }

    /// <summary>Bumped whenever the cached winner may have changed.</summary>
    public int Version => Volatile.Read(ref _version);

    /// <summary>The current second of the usage-based cache (usage leaves the sliding windows second by second).</summary>
    public long UsageSecond => Volatile.Read(ref _second);

    /// <summary>The next value of the round-robin / tie-break counter.</summary>
    public uint NextCounter() => (uint)Interlocked.Increment(ref _counter);

    /// <summary>Drops the cached winner.</summary>
    public void Invalidate() => Interlocked.Increment(ref _version);

    /// <summary>The cached winner (an index, or -1 for the strategy's "none / scan" answer) when it is still current.</summary>
    public bool TryGetPick(out int index)
    {
        var pick = Volatile.Read(ref _pick);
        index = (int)pick;
        return (int)(pick >> 32) == Volatile.Read(ref _version);
    }

    /// <summary>Caches <paramref name="index"/> as the winner computed from the state seen at <paramref name="version"/>.</summary>
    public void SetPick(int version, int index) => Volatile.Write(ref _pick, ((long)version << 32) | (uint)index);

    /// <summary>Moves the usage-based cache to <paramref name="second"/> (never backwards), dropping the winner.</summary>
    public void AdvanceUsageSecond(long second)
    {
        var current = Volatile.Read(ref _second);
        if (second > current)
        {
            Invalidate();
            Interlocked.CompareExchange(ref _second, second, current);
        }
    }

    /// <summary>Called after deployment <paramref name="index"/>'s latency average moved from <paramref name="old"/> to <paramref name="updated"/>.</summary>
    public void OnLatencyChanged(int index, long old, long updated)
    {
        if (!TryGetPick(out var best))
        {
            return;
        }

        if (best == index)
        {
            // The winner got faster (or stayed): still the unique minimum.
            if (updated > old)
            {
                Invalidate();
            }
        }
        else if (best < 0 || updated <= Deployments[best].State.LatencyMicros)
        {
            Invalidate();
        }
    }

    /// <summary>Called after usage was recorded for deployment <paramref name="index"/> in second <paramref name="second"/>.</summary>
    public void OnUsageRecorded(int index, long second)
    {
        // More usage only lowers that deployment's headroom: the winner changes only when it is the one that used more (or the
        // record rotated a window into a newer second than the cache's, which frees headroom).
        if (TryGetPick(out var best) && (best == index || second != Volatile.Read(ref _second)))
        {
            Invalidate();
        }
    }

    /// <summary>The lowest-cost candidates, or <see langword="null"/> before the first price lookup.</summary>
    public CostFrontier? Costs
    {
        get => Volatile.Read(ref _costFrontier);
        set => Volatile.Write(ref _costFrontier, value);
    }
}

/// <summary>
/// The deployments of a lowest-cost alias that no other deployment undercuts on both input and output price (plus the first
/// unpriced one), in priority order; any request with positive token counts is cheapest on one of them. Valid until <see cref="Expires"/>.
/// </summary>
internal sealed class CostFrontier
{
    public CostFrontier(int[] indices, long expires)
    {
        Indices = indices;
        Expires = expires;
    }

    public int[] Indices { get; }

    public long Expires { get; }
}
