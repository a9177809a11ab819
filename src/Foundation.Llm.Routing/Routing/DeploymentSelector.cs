using System.Runtime.CompilerServices;
using Foundation.Pricing;

namespace Foundation.Llm.Routing.Routing;

/// <summary>
/// Picks one deployment of an alias with the alias's strategy, skipping those blocked for this request (policy, capabilities,
/// already tried) and those cooling down. No LINQ and no allocation: one or two passes over the precomputed array.
/// </summary>
internal sealed class DeploymentSelector
{
    /// <summary>Output tokens assumed by lowest-cost when the request sets no <c>MaxOutputTokens</c>.</summary>
    internal const long DefaultExpectedOutputTokens = 256;

    /// <summary>One selection in this many goes to a deployment in turn under lowest latency, so stale averages get refreshed.</summary>
    internal const uint LatencyExplorationPeriod = 64;

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
            RoutingStrategy.WeightedRandom => SelectWeighted(deployments, blocked, now),
            RoutingStrategy.RoundRobin => SelectRoundRobin(group, deployments, blocked, now),
            RoutingStrategy.LeastInFlight => SelectLeastInFlight(group, deployments, blocked, now),
            RoutingStrategy.LowestLatency => SelectLowestLatency(group, deployments, blocked, now),
            RoutingStrategy.UsageBased => SelectUsageBased(deployments, blocked, now),
            RoutingStrategy.LowestCost => SelectLowestCost(deployments, blocked, now, estimatedInputTokens, expectedOutputTokens),
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

    private int SelectWeighted(LlmDeployment[] deployments, ReadOnlySpan<ulong> blocked, long now)
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
        var count = 0;
        for (var i = 0; i < deployments.Length; i++)
        {
            if (IsEligible(deployments[i], blocked, i, now))
            {
                count++;
            }
        }

        if (count == 0)
        {
            return -1;
        }

        var turn = (int)((group.NextCounter() - 1) % (uint)count);
        if (count == deployments.Length)
        {
            return turn;
        }

        for (var i = 0; i < deployments.Length; i++)
        {
            if (IsEligible(deployments[i], blocked, i, now) && turn-- == 0)
            {
                return i;
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
        var start = (int)(counter % (uint)length);
        var explore = counter % LatencyExplorationPeriod == 0;
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
                    return i;
                }

                if (latency < bestLatency)
                {
                    best = i;
                    bestLatency = latency;
                }
            }
        }

        return best;
    }

    private int SelectUsageBased(LlmDeployment[] deployments, ReadOnlySpan<ulong> blocked, long now)
    {
        var second = now / _frequency;
        var best = -1;
        var bestHeadroom = 0.0;
        for (var i = 0; i < deployments.Length; i++)
        {
            var deployment = deployments[i];
            if (!IsEligible(deployment, blocked, i, now))
            {
                continue;
            }

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

            if (headroom > bestHeadroom)
            {
                best = i;
                bestHeadroom = headroom;
            }
        }

        return best;
    }

    private int SelectLowestCost(LlmDeployment[] deployments, ReadOnlySpan<ulong> blocked, long now, long inputTokens, long outputTokens)
    {
        var best = -1;
        var bestCost = double.PositiveInfinity;
        for (var i = 0; i < deployments.Length; i++)
        {
            var deployment = deployments[i];
            if (!IsEligible(deployment, blocked, i, now))
            {
                continue;
            }

            if (deployment.PriceExpires <= now)
            {
                RefreshPrice(deployment, now);
            }

            // Unknown price = most expensive: chosen only when nothing priced is eligible (then in priority order).
            var cost = deployment.PriceKnown ? (inputTokens * deployment.InputPrice) + (outputTokens * deployment.OutputPrice) : double.MaxValue;
            if (best < 0 || cost < bestCost)
            {
                best = i;
                bestCost = cost;
            }
        }

        return best;
    }

    private void RefreshPrice(LlmDeployment deployment, long now)
    {
        var known = false;
        double input = 0, output = 0;
        if (_prices is not null)
        {
            var asOf = _time.GetUtcNow();
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
        deployment.PriceExpires = now + _priceTtl;
    }
}
