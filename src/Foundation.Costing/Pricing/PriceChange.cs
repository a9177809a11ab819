namespace Foundation.Costing.Pricing;

/// <summary>A price a tenant's administrator or a platform operator sets (the body of the price endpoints). USD per one million tokens.</summary>
public sealed class PriceChange
{
    /// <summary>Provider, for example <c>openai</c>.</summary>
    public string? Provider { get; set; }

    /// <summary>Model id, for example <c>gpt-4o-mini</c>.</summary>
    public string? Model { get; set; }

    /// <summary>When it takes effect; default now. Past calls keep the price in effect when they ran.</summary>
    public DateTimeOffset? EffectiveFrom { get; set; }

    /// <summary>Uncached input (required).</summary>
    public decimal? InputPerMillion { get; set; }

    /// <summary>Output (required).</summary>
    public decimal? OutputPerMillion { get; set; }

    /// <summary>Cache reads.</summary>
    public decimal? CachedInputPerMillion { get; set; }

    /// <summary>5-minute cache writes.</summary>
    public decimal? CacheWrite5mPerMillion { get; set; }

    /// <summary>1-hour cache writes.</summary>
    public decimal? CacheWrite1hPerMillion { get; set; }

    /// <summary>Reasoning output when priced apart.</summary>
    public decimal? ReasoningPerMillion { get; set; }
}
