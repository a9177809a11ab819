namespace Foundation.Costing.Pricing;

/// <summary>A cost split by kind of token, in USD.</summary>
/// <param name="Input">Uncached, unwritten input.</param>
/// <param name="CachedInput">Cache reads.</param>
/// <param name="CacheWrite">Cache writes (both TTLs).</param>
/// <param name="Output">Output other than reasoning.</param>
/// <param name="Reasoning">Reasoning output.</param>
public readonly record struct CostBreakdown(decimal Input, decimal CachedInput, decimal CacheWrite, decimal Output, decimal Reasoning)
{
    /// <summary>The sum.</summary>
    public decimal Total => Input + CachedInput + CacheWrite + Output + Reasoning;
}
