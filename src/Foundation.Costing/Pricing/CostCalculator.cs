using Foundation.Pricing;

namespace Foundation.Costing.Pricing;

/// <summary>
/// Prices a <see cref="TokenUsage"/> in USD with <see cref="decimal"/> arithmetic. Each kind of token is counted once, at its own rate:
/// <code>
/// cost = ( uncached input x Input
///        + cache reads     x (CachedInput   ?? Input)
///        + 5m cache writes x (CacheWrite5m  ?? Input)
///        + 1h cache writes x (CacheWrite1h  ?? CacheWrite5m ?? Input)
///        + (output - reasoning) x Output
///        + reasoning       x (Reasoning     ?? Output) ) / 1,000,000
/// </code>
/// The result is exact (no rounding) and allocation-free.
/// </summary>
public static class CostCalculator
{
    private const decimal PerMillion = 1_000_000m;

    /// <summary>The cost in USD of <paramref name="usage"/> at <paramref name="price"/>.</summary>
    public static decimal Compute(in ModelPrice price, in TokenUsage usage)
    {
        var input = price.InputPerMillion;
        var sum = Term(usage.UncachedInputTokens, input);
        if (usage.CachedInputTokens != 0)
        {
            sum += Term(usage.CachedInputTokens, price.CachedInputPerMillion ?? input);
        }

        if (usage.CacheWrite5mInputTokens != 0)
        {
            sum += Term(usage.CacheWrite5mInputTokens, price.CacheWrite5mPerMillion ?? input);
        }

        if (usage.CacheWrite1hInputTokens != 0)
        {
            sum += Term(usage.CacheWrite1hInputTokens, price.CacheWrite1hPerMillion ?? price.CacheWrite5mPerMillion ?? input);
        }

        sum += Term(usage.OutputTokens - usage.ReasoningTokens, price.OutputPerMillion);
        if (usage.ReasoningTokens != 0)
        {
            sum += Term(usage.ReasoningTokens, price.ReasoningPerMillion ?? price.OutputPerMillion);
        }

        return PerMillionToUnits(sum);
    }

    private static decimal Term(long tokens, decimal rate) => tokens == 0 ? 0m : tokens * rate;

    /// <summary>
    /// Divides by one million exactly. A decimal is an integer and a power-of-ten scale, so this only raises the scale by 6 (no division),
    /// unless the scale would pass 28, where the ordinary division rounds at the 28th digit.
    /// </summary>
    private static decimal PerMillionToUnits(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var scale = (bits[3] >> 16) & 0xFF;
        if (scale + 6 > 28)
        {
            return value / PerMillion;
        }

        return new decimal(bits[0], bits[1], bits[2], bits[3] < 0, (byte)(scale + 6));
    }

    /// <summary>The same cost split by kind of token.</summary>
    public static CostBreakdown ComputeBreakdown(in ModelPrice price, in TokenUsage usage)
    {
        var input = price.InputPerMillion;
        var reasoningRate = price.ReasoningPerMillion ?? price.OutputPerMillion;
        return new CostBreakdown(
            usage.UncachedInputTokens * input / PerMillion,
            usage.CachedInputTokens * (price.CachedInputPerMillion ?? input) / PerMillion,
            ((usage.CacheWrite5mInputTokens * (price.CacheWrite5mPerMillion ?? input))
                + (usage.CacheWrite1hInputTokens * (price.CacheWrite1hPerMillion ?? price.CacheWrite5mPerMillion ?? input))) / PerMillion,
            (usage.OutputTokens - usage.ReasoningTokens) * price.OutputPerMillion / PerMillion,
            usage.ReasoningTokens * reasoningRate / PerMillion);
    }

    /// <summary>
    /// The most a call can cost: <paramref name="inputTokens"/> at the dearest input rate (a cache write can cost more than plain input) and
    /// <paramref name="maxOutputTokens"/> at the dearest output rate. What a budget reserves before the call.
    /// </summary>
    public static decimal WorstCase(in ModelPrice price, long inputTokens, long maxOutputTokens)
    {
        var inputRate = Math.Max(price.InputPerMillion, Math.Max(price.CacheWrite5mPerMillion ?? 0m, price.CacheWrite1hPerMillion ?? 0m));
        var outputRate = Math.Max(price.OutputPerMillion, price.ReasoningPerMillion ?? 0m);
        return ((inputTokens * inputRate) + (maxOutputTokens * outputRate)) / PerMillion;
    }
}
