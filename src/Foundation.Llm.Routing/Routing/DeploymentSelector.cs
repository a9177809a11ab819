using System.Runtime.CompilerServices;
using Foundation.Pricing;

namespace Foundation.Llm.Routing.Routing;

/// <summary>
/// Picks one deployment of an alias with the alias's strategy, skipping those blocked for this request (policy, capabilities,
/// already tried) and those cooling down. No LINQ and no allocation. Priority, round robin and least in flight stop at the first
/// fit; weighted random draws over precomputed running sums; lowest latency and usage based answer from the alias's cached
/// winner while no state change could have moved it; lowest cost prices only the deployments no other one undercuts. Each falls
/// back to a scan over the eligible deployments when its shortcut's answer is blocked or cooling down, with the same result.
/// </summary>
internal sealed class DeploymentSelector
{
    /// <summary>Output tokens assumed by lowest-cost when the request sets no <c>MaxOutputTokens</c>.</summary>
    internal const long DefaultExpectedOutputTokens = 256;

    /// <summary>One selection in this many goes to a deployment in turn under lowest latency, so stale averages get refreshed.</summary>
    internal const uint LatencyExplorationPeriod = 64;

    /// <summary>Draws weighted random makes over all deployments before scanning the eligible ones.</summary>
    private const int WeightedDraws = 4;

    private readonly TimeProvider _time;
    private readonly IModelPriceProvider? _prices;
    private readonly Random _random;
    private readonly long _priceTtl;
    private readonly long _frequency;

    public DeploymentSelector(TimeProvider time, IModelPriceProvider? prices, Random? random)
    {
        _time = time;
        _prices = prices;
        _random = random ?? Random.Shared;
        _frequency = time.TimestampFrequency;
        _priceTtl = _frequency * 60;
    }

    /// <summary>The timestamp frequency of the time provider (ticks per second).</summary>
    public long Frequency => _frequency;

    /// <summary>The index of the chosen deployment in <see cref="AliasGroup.Deployments"/>, or -1 when none is eligible.</summary>
    /// <param name="group">The alias.</param>
    /// <param name="blocked">Bits set for deployments this request may not use (length <see cref="AliasGroup.MaskLength"/>).</param>
    /// <param name="now">The current <see cref="TimeProvider.GetTimestamp"/>.</param>
    /// <param name="estimatedInputTokens">The estimated prompt size (lowest cost).</param>
    /// <param name="expectedOutputTokens">The expected output size (lowest cost).</param>
    public int Select(AliasGroup group, ReadOnlySpan<ulong> blocked, long now, long estimatedInputTokens, long expectedOutputTokens)
    {
        var deployments = group.Deployments;
        return group.Strategy switch
        {
            RoutingStrategy.WeightedRandom => SelectWeighted(group, deployments, blocked, now),
            RoutingStrategy.RoundRobin => SelectRoundRobin(group, deployments, blocked, now),
            RoutingStrategy.LeastInFlight => SelectLeastInFlight(group, deployments, blocked, now),
            RoutingStrategy.LowestLatency => SelectLowestLatency(group, deployments, blocked, now),
            RoutingStrategy.UsageBased => SelectUsageBased(group, deployments, blocked, now),
            RoutingStrategy.LowestCost => SelectLowestCost(group, deployments, blocked, now, estimatedInputTokens, expectedOutputTokens),
            _ => SelectPriority(deployments, blocked, now),
        };
    }

    /// <summary>Whether <see cref="Select"/> would find a deployment, ignoring RPM/TPM headroom.</summary>
    public static bool AnyEligible(LlmDeployment[] deployments, ReadOnlySpan<ulong> blocked, long now)
    {
        for (var i = 0; i < deployments.Length; i++)
        {
            if (IsEligible(deployments[i], blocked, i, now))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The earliest time a cooling-down, unblocked deployment comes back, or <see cref="long.MaxValue"/>.</summary>
    public static long EarliestCooldownEnd(LlmDeployment[] deployments, ReadOnlySpan<ulong> blocked)
    {
        var earliest = long.MaxValue;
        for (var i = 0; i < deployments.Length; i++)
        {
            if (!IsBlocked(blocked, i))
            {
                var until = deployments[i].State.CooldownUntil;
                if (until < earliest)
                {
                    earliest = until;
                }
            }
        }

        return earliest;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsBlocked(ReadOnlySpan<ulong> blocked, int index) => (blocked[index >> 6] & (1UL << (index & 63))) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsEligible(LlmDeployment deployment, ReadOnlySpan<ulong> blocked, int index, long now)
        => !IsBlocked(blocked, index) && deployment.State.CooldownUntil <= now;

    private static int SelectPriority(LlmDeployment[] deployments, ReadOnlySpan<ulong> blocked, long now)
    {
        // Sorted by priority at start: the first eligible one wins.
        for (var i = 0; i < deployments.Length; i++)
        {
            if (IsEligible(deployments[i], blocked, i, now))
            {
                return i;
            }
        }

        return -1;
    }

    private int SelectWeighted(AliasGroup group, LlmDeployment[] deployments, ReadOnlySpan<ulong> blocked, long now)
    {
        // A binary search over the running sums of all weights; an ineligible pick is drawn again (rejection sampling keeps the
        // distribution exactly proportional over the eligible ones), and a few misses in a row fall back to the two-pass scan.
        var total = group.TotalWeight;
        if (total > 0)
        {
            var cumulative = group.CumulativeWeights;
            for (var draw = 0; draw < WeightedDraws; draw++)
            {
                var i = UpperBound(cumulative, _random.NextInt64(total));
                if (IsEligible(deployments[i], blocked, i, now))
                {
                    return i;
                }
            }
        }

        return ScanWeighted(deployments, blocked, now);
    }

    /// <summary>The first index whose running sum exceeds <paramref name="value"/> (0 &lt;= value &lt; the last sum).</summary>
    private static int UpperBound(long[] cumulative, long value)
    {
        var low = 0;
        var high = cumulative.Length - 1;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (cumulative[middle] > value)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        return low;
    }

    private int ScanWeighted(LlmDeployment[] deployments, ReadOnlySpan<ulong> blocked, long now)
    {
        long total = 0;
        for (var i = 0; i < deployments.Length; i++)
        {
            if (IsEligible(deployments[i], blocked, i, now))
            {
                total += deployments[i].Weight;
            }
        }

        if (total <= 0)
        {
            return -1;
        }

        var pick = _random.NextInt64(total);
        for (var i = 0; i < deployments.Length; i++)
        {
            if (IsEligible(deployments[i], blocked, i, now))
            {
                pick -= deployments[i].Weight;
                if (pick < 0)
                {
                    return i;
                }
            }
        }

        return -1;
    }

    private static int SelectRoundRobin(AliasGroup group, LlmDeployment[] deployments, ReadOnlySpan<ulong> blocked, long now)
    {
        // Turn n goes to deployment n mod count, or to the next eligible one after it: constant time while all are healthy.
        var length = deployments.Length;
        var i = (int)((group.NextCounter() - 1) % (uint)length);
        for (var n = 0; n < length; n++)
        {
            if (IsEligible(deployments[i], blocked, i, now))
            {
                return i;
            }

            if (++i == length)
            {
                i = 0;
            }
        }

        return -1;
    }

    private static int SelectLeastInFlight(AliasGroup group, LlmDeployment[] deployments, ReadOnlySpan<ulong> blocked, long now)
    {
        // Ties go round: the scan starts at a rotating offset.
        var length = deployments.Length;
        var start = (int)(group.NextCounter() % (uint)length);
        var best = -1;
        var bestLoad = int.MaxValue;
        for (var n = 0; n < length; n++)
        {
            var i = start + n;
            if (i >= length)
            {
                i -= length;
            }

            var deployment = deployments[i];
            if (IsEligible(deployment, blocked, i, now))
            {
                var load = deployment.State.InFlight;
                if (load < bestLoad)
                {
                    best = i;
                    bestLoad = load;
                    if (load == 0)
                    {
                        break;
                    }
                }
            }
        }

        return best;
    }

    private static int SelectLowestLatency(AliasGroup group, LlmDeployment[] deployments, ReadOnlySpan<ulong> blocked, long now)
    {
        var length = deployments.Length;
        var counter = group.NextCounter();
        var explore = counter % LatencyExplorationPeriod == 0;

        // The cached winner: the unique fastest of all deployments once every one has a sample (-1 otherwise: scan).
        var cached = group.TryGetPick(out var fastest);
        if (cached && !explore && fastest >= 0 && IsEligible(deployments[fastest], blocked, fastest, now))
        {
            return fastest;
        }

        var version = group.Version;
        var start = (int)(counter % (uint)length);
        var best = -1;
        var bestLatency = long.MaxValue;
        for (var n = 0; n < length; n++)
        {
            var i = start + n;
            if (i >= length)
            {
                i -= length;
            }

            var deployment = deployments[i];
            if (IsEligible(deployment, blocked, i, now))
            {
                var latency = deployment.State.LatencyMicros;
                if (latency == 0 || explore)
                {
                    // No sample yet (or an exploration turn): try it so its average gets measured.
                    best = i;
                    break;
                }

                if (latency < bestLatency)
                {
                    best = i;
                    bestLatency = latency;
                }
            }
        }

        if (!cached)
        {
            group.SetPick(version, FastestOfAll(deployments));
        }

        return best;
    }

    /// <summary>The index of the unique lowest latency among all deployments, or -1 when one has no sample yet or the lowest is shared.</summary>
    private static int FastestOfAll(LlmDeployment[] deployments)
    {
        var best = -1;
        var bestLatency = long.MaxValue;
        var unique = false;
        for (var i = 0; i < deployments.Length; i++)
        {
            var latency = deployments[i].State.LatencyMicros;
            if (latency == 0)
            {
                return -1;
            }

            if (latency < bestLatency)
            {
                best = i;
                bestLatency = latency;
                unique = true;
            }
            else if (latency == bestLatency)
            {
                unique = false;
            }
        }

        return unique ? best : -1;
    }

    private int SelectUsageBased(AliasGroup group, LlmDeployment[] deployments, ReadOnlySpan<ulong> blocked, long now)
    {
        var second = now / _frequency;
        if (second > group.UsageSecond)
        {
            // Usage left the windows: the cached winner is stale.
            group.AdvanceUsageSecond(second);
        }

        // The cached winner: the first deployment with the most headroom among all of them (-1: none has any).
        var cached = group.TryGetPick(out var roomiest) && second == group.UsageSecond;
        if (cached && (roomiest < 0 || IsEligible(deployments[roomiest], blocked, roomiest, now)))
        {
            return roomiest;
        }

        var version = group.Version;
        var best = -1;
        var bestHeadroom = 0.0;
        var allBest = -1;
        var allBestHeadroom = 0.0;
        for (var i = 0; i < deployments.Length; i++)
        {
            var headroom = Headroom(deployments[i], second);
            if (headroom > allBestHeadroom)
            {
                allBest = i;
                allBestHeadroom = headroom;
            }

            if (headroom > bestHeadroom && IsEligible(deployments[i], blocked, i, now))
            {
                best = i;
                bestHeadroom = headroom;
            }
        }

        if (!cached && second == group.UsageSecond)
        {
            group.SetPick(version, allBest);
        }

        return best;
    }

    private static double Headroom(LlmDeployment deployment, long second)
    {
        var headroom = 1.0;
        if (deployment.Rpm > 0)
        {
            headroom = 1.0 - ((double)deployment.State.Requests.Sum(second) / deployment.Rpm);
        }

        if (deployment.Tpm > 0)
        {
            var tokens = 1.0 - ((double)deployment.State.Tokens.Sum(second) / deployment.Tpm);
            if (tokens < headroom)
            {
                headroom = tokens;
            }
        }

        return headroom;
    }

    private int SelectLowestCost(AliasGroup group, LlmDeployment[] deployments, ReadOnlySpan<ulong> blocked, long now, long inputTokens, long outputTokens)
    {
        var frontier = group.Costs;
        if (frontier is null || frontier.Expires <= now)
        {
            frontier = RefreshPrices(group, deployments, now);
        }

        // With positive token counts the cheapest deployment is on the frontier: when it is eligible, nothing else need be priced.
        if (inputTokens > 0 && outputTokens > 0)
        {
            var candidates = frontier.Indices;
            var cheapest = -1;
            var cheapestCost = double.PositiveInfinity;
            for (var n = 0; n < candidates.Length; n++)
            {
                var i = candidates[n];
                var cost = Cost(deployments[i], inputTokens, outputTokens);
                if (cheapest < 0 || cost < cheapestCost)
                {
                    cheapest = i;
                    cheapestCost = cost;
                }
            }

            if (cheapest >= 0 && IsEligible(deployments[cheapest], blocked, cheapest, now))
            {
                return cheapest;
            }
        }

        var best = -1;
        var bestCost = double.PositiveInfinity;
        for (var i = 0; i < deployments.Length; i++)
        {
            var deployment = deployments[i];
            if (!IsEligible(deployment, blocked, i, now))
            {
                continue;
            }

            var cost = Cost(deployment, inputTokens, outputTokens);
            if (best < 0 || cost < bestCost)
            {
                best = i;
                bestCost = cost;
            }
        }

        return best;
    }

    // Unknown price = most expensive: chosen only when nothing priced is eligible (then in priority order).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Cost(LlmDeployment deployment, long inputTokens, long outputTokens)
        => deployment.PriceKnown ? (inputTokens * deployment.InputPrice) + (outputTokens * deployment.OutputPrice) : double.MaxValue;

    private CostFrontier RefreshPrices(AliasGroup group, LlmDeployment[] deployments, long now)
    {
        var asOf = _time.GetUtcNow();
        for (var i = 0; i < deployments.Length; i++)
        {
            RefreshPrice(deployments[i], asOf);
        }

        // Keep a priced deployment unless another one is no dearer on both prices (and cheaper on one, or equal and earlier);
        // keep the first unpriced one for when nothing is priced.
        var kept = new List<int>();
        var firstUnknown = -1;
        for (var j = 0; j < deployments.Length; j++)
        {
            var candidate = deployments[j];
            if (!candidate.PriceKnown)
            {
                if (firstUnknown < 0)
                {
                    firstUnknown = j;
                    kept.Add(j);
                }

                continue;
            }

            var dominated = false;
            for (var i = 0; i < deployments.Length && !dominated; i++)
            {
                var other = deployments[i];
                if (i == j || !other.PriceKnown || other.InputPrice > candidate.InputPrice || other.OutputPrice > candidate.OutputPrice)
                {
                    continue;
                }

                dominated = other.InputPrice < candidate.InputPrice || other.OutputPrice < candidate.OutputPrice || i < j;
            }

            if (!dominated)
            {
                kept.Add(j);
            }
        }

        var frontier = new CostFrontier([.. kept], now + _priceTtl);
        group.Costs = frontier;
        return frontier;
    }

    private void RefreshPrice(LlmDeployment deployment, DateTimeOffset asOf)
    {
        var known = false;
        double input = 0, output = 0;
        if (_prices is not null)
        {
            if (_prices.TryGetPrice(deployment.System, deployment.Model, asOf, out var price)
                || (!string.Equals(deployment.System, deployment.ProviderName, StringComparison.Ordinal)
                    && _prices.TryGetPrice(deployment.ProviderName, deployment.Model, asOf, out price)))
            {
                known = true;
                input = (double)price.InputPerMillion / 1_000_000d;
                output = (double)price.OutputPerMillion / 1_000_000d;
            }
        }

        deployment.InputPrice = input;
        deployment.OutputPrice = output;
        deployment.PriceKnown = known;
    }
}
