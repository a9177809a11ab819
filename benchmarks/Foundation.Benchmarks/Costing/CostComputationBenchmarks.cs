using BenchmarkDotNet.Attributes;
using Foundation.Costing.Pricing;
using Foundation.Pricing;
using Microsoft.Extensions.AI;

namespace Foundation.Benchmarks.Costing;

/// <summary>
/// The per-call hot path of Foundation.Costing without storage (target for <c>CostCalculator.Compute</c>: at most 50 ns and 0 bytes):
/// pricing a usage, reading Microsoft.Extensions.AI's UsageDetails into a TokenUsage, and the price look-up (exact id, and a dated
/// snapshot id that is normalised to its base entry, and a tenant's override among 1,000 tenants').
/// </summary>
[MemoryDiagnoser]
public class CostComputationBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);
    private readonly ModelPrice _openAI = new(0.15m, 0.60m, 0.075m);
    private readonly ModelPrice _anthropic = new(3m, 15m, 0.30m, 3.75m, 6m);
    private readonly TokenUsage _openAIUsage = TokenUsage.FromOpenAI(2_006, 1_920, 300);
    private readonly TokenUsage _anthropicUsage = TokenUsage.FromAnthropic(50, 100_000, 2_000, 500);
    private readonly UsageDetails _details = new()
    {
        InputTokenCount = 102_050, CachedInputTokenCount = 100_000, OutputTokenCount = 500,
        AdditionalCounts = new AdditionalPropertiesDictionary<long> { ["cache_write_input_tokens"] = 2_000 },
    };

    private readonly CatalogModelPriceProvider _prices = CreatePrices();

    [Benchmark(Baseline = true)]
    public decimal Compute_openai_cached() => CostCalculator.Compute(_openAI, _openAIUsage);

    [Benchmark]
    public decimal Compute_anthropic_cache_read_and_write() => CostCalculator.Compute(_anthropic, _anthropicUsage);

    [Benchmark]
    public decimal UsageDetails_to_cost()
    {
        var usage = TokenUsage.FromUsageDetails(_details);
        return CostCalculator.Compute(_anthropic, usage);
    }

    [Benchmark]
    public bool Price_lookup_exact() => _prices.TryGetPrice("openai", "gpt-4o-mini", Now, out _);

    [Benchmark]
    public bool Price_lookup_dated_snapshot() => _prices.TryGetPrice("openai", "gpt-4o-mini-2024-07-18", Now, out _);

    /// <summary>The metered path: the caller's tenant has an override of this model (one of 1,000 tenants with overrides).</summary>
    [Benchmark]
    public bool Price_lookup_tenant_override() => _prices.TryGetPrice("tenant-500", "openai", "gpt-4o-mini", Now, out _);

    /// <summary>The metered path for a tenant without overrides: falls through to the global layers.</summary>
    [Benchmark]
    public bool Price_lookup_tenant_without_override() => _prices.TryGetPrice("tenant-none", "openai", "gpt-4o-mini", Now, out _);

    private static CatalogModelPriceProvider CreatePrices()
    {
        var prices = new CatalogModelPriceProvider();
        var overrides = Enumerable.Range(0, 1_000).Select(i => new PriceEntry("openai", "gpt-4o-mini", Now.AddDays(-1), new ModelPrice(0.1m, 0.4m), PriceSource.Tenant)
        {
            TenantId = "tenant-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        prices.ReplaceDatabaseEntries([], overrides);
        return prices;
    }
}
