using System.Globalization;
using System.Text.Json;
using Foundation.Costing.Pricing;
using Foundation.Pricing;
using Microsoft.Extensions.AI;

namespace Foundation.Costing.Tests.Pricing;

public sealed class CostCalculatorTests
{
    private static readonly ModelPrice OpenAILike = new(2.50m, 10m, CachedInputPerMillion: 1.25m);
    private static readonly ModelPrice Sonnet = new(3m, 15m, 0.30m, 3.75m, 6m);
    private static readonly ModelPrice Plain = new(1m, 2m);
    private static readonly ModelPrice ReasoningApart = new(1m, 4m, ReasoningPerMillion: 8m);
    private static readonly ModelPrice FiveMinuteOnly = new(1m, 1m, CacheWrite5mPerMillion: 1.25m);

    public static TheoryData<string, long, long, long, long, long, long, string> Cases => new()
    {
        // price, input (all), cached, write5m, write1h, output (all), reasoning, expected USD (hand-computed)
        { "openai", 1_000_000, 0, 0, 0, 0, 0, "2.5" },
        { "openai", 0, 0, 0, 0, 1_000_000, 0, "10" },
        { "openai", 1_000_000, 1_000_000, 0, 0, 0, 0, "1.25" },
        { "openai", 1_000_000, 500_000, 0, 0, 0, 0, "1.875" },
        { "openai", 1_000, 0, 0, 0, 1_000, 0, "0.0125" },
        { "openai", 1, 0, 0, 0, 0, 0, "0.0000025" },
        { "openai", 0, 0, 0, 0, 0, 0, "0" },
        { "openai", 2_006, 1_920, 0, 0, 300, 0, "0.005615" },
        { "openai", 100, 0, 0, 0, 1_000, 800, "0.01025" }, // reasoning is output
        { "sonnet", 102_050, 100_000, 2_000, 0, 500, 0, "0.04515" },
        { "sonnet", 10_000, 0, 0, 10_000, 0, 0, "0.06" },
        { "sonnet", 10_000, 0, 5_000, 5_000, 0, 0, "0.04875" },
        { "sonnet", 3_000, 1_000, 1_000, 0, 100, 0, "0.00855" },
        { "sonnet", 1_000, 1_000, 0, 0, 0, 0, "0.0003" },
        { "plain", 1_000, 400, 0, 0, 0, 0, "0.001" },       // no cached rate: cache reads at the input rate
        { "plain", 1_000, 0, 300, 200, 0, 0, "0.001" },     // no write rates: writes at the input rate
        { "reasoning", 0, 0, 0, 0, 1_000, 250, "0.005" },   // reasoning priced apart
        { "reasoning", 0, 0, 0, 0, 1_000, 0, "0.004" },
        { "fiveMinute", 1_000, 0, 0, 1_000, 0, 0, "0.00125" }, // a 1-hour write without its own rate uses the 5-minute rate
        { "sonnet", 1_000_000_000, 0, 0, 0, 1_000_000_000, 0, "18000" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Computes_each_kind_of_token_once_at_its_own_rate(string priceName, long input, long cached, long write5m, long write1h, long output, long reasoning, string expected)
    {
        var price = priceName switch { "openai" => OpenAILike, "sonnet" => Sonnet, "plain" => Plain, "reasoning" => ReasoningApart, _ => FiveMinuteOnly };
        var usage = new TokenUsage(input, cached, write5m, write1h, output, reasoning);
        var cost = CostCalculator.Compute(price, usage);
        cost.ShouldBe(decimal.Parse(expected, CultureInfo.InvariantCulture));
        CostCalculator.ComputeBreakdown(price, usage).Total.ShouldBe(cost);
    }

    [Fact]
    public void Cache_reads_never_cost_more_than_uncached_input_and_costs_grow_with_tokens()
    {
        var random = new Random(6);
        foreach (var price in new[] { OpenAILike, Sonnet, Plain, ReasoningApart })
        {
            for (var i = 0; i < 500; i++)
            {
                var input = random.NextInt64(0, 2_000_000);
                var cached = random.NextInt64(0, input + 1);
                var output = random.NextInt64(0, 200_000);
                var reasoning = random.NextInt64(0, output + 1);
                var withCache = CostCalculator.Compute(price, new TokenUsage(input, cached, 0, 0, output, reasoning));
                var withoutCache = CostCalculator.Compute(price, new TokenUsage(input, 0, 0, 0, output, reasoning));
                withCache.ShouldBeLessThanOrEqualTo(withoutCache);
                withCache.ShouldBeGreaterThanOrEqualTo(0m);
                CostCalculator.Compute(price, new TokenUsage(input + 1, cached, 0, 0, output, reasoning)).ShouldBeGreaterThan(withCache);
                CostCalculator.WorstCase(price, input, output).ShouldBeGreaterThanOrEqualTo(withoutCache);
            }
        }
    }

    [Fact]
    public void The_same_call_reported_by_each_provider_format_costs_the_same()
    {
        // One Anthropic call: 50 fresh input tokens, 100,000 read from the cache, 2,000 written (5 minutes), 500 output.
        var raw = TokenUsage.FromAnthropic(inputTokens: 50, cacheReadInputTokens: 100_000, cacheCreationInputTokens: 2_000, outputTokens: 500);
        var normalised = TokenUsage.FromUsageDetails(new UsageDetails
        {
            InputTokenCount = 102_050, CachedInputTokenCount = 100_000, OutputTokenCount = 500,
            AdditionalCounts = new AdditionalPropertiesDictionary<long> { ["cache_write_input_tokens"] = 2_000 },
        });
        raw.ShouldBe(normalised);
        CostCalculator.Compute(Sonnet, raw).ShouldBe(0.04515m);

        // Treating Anthropic's input_tokens as all input (the LiteLLM #6215 family of bugs) would bill 50 tokens and lose the cache.
        var wrong = TokenUsage.FromOpenAI(promptTokens: 50, cachedTokens: 0, completionTokens: 500);
        CostCalculator.Compute(Sonnet, wrong).ShouldNotBe(CostCalculator.Compute(Sonnet, raw));

        // OpenAI: prompt_tokens include cached_tokens.
        TokenUsage.FromOpenAI(2_006, 1_920, 300).ShouldBe(TokenUsage.FromUsageDetails(new UsageDetails { InputTokenCount = 2_006, CachedInputTokenCount = 1_920, OutputTokenCount = 300 }));
    }

    [Fact]
    public void UsageDetails_with_a_ttl_split_and_an_estimate_flag_are_read()
    {
        var usage = TokenUsage.FromUsageDetails(new UsageDetails
        {
            InputTokenCount = 4_000, OutputTokenCount = 200, ReasoningTokenCount = 50,
            AdditionalCounts = new AdditionalPropertiesDictionary<long>
            {
                ["cache_write_input_tokens"] = 3_000, ["cache_write_5m_input_tokens"] = 1_000, ["cache_write_1h_input_tokens"] = 2_000, ["estimated"] = 1,
            },
        });
        usage.CacheWrite5mInputTokens.ShouldBe(1_000);
        usage.CacheWrite1hInputTokens.ShouldBe(2_000);
        usage.UncachedInputTokens.ShouldBe(1_000);
        usage.ReasoningTokens.ShouldBe(50);
        usage.IsEstimated.ShouldBeTrue();
        TokenUsage.FromUsageDetails(null).ShouldBe(default);
        TokenUsage.FromUsageDetails(new UsageDetails { OutputTokenCount = 10 }).TotalTokens.ShouldBe(10);
    }

    [Fact]
    public void Inconsistent_usage_is_refused_with_the_field_named()
    {
        Should.Throw<CostingValidationException>(() => new TokenUsage(-1)).Field.ShouldBe("inputTokens");
        Should.Throw<CostingValidationException>(() => new TokenUsage(10, cachedInputTokens: 20)).Field.ShouldBe("inputTokens");
        Should.Throw<CostingValidationException>(() => new TokenUsage(10, outputTokens: 5, reasoningTokens: 6)).Field.ShouldBe("reasoningTokens");
        Should.Throw<CostingValidationException>(() => TokenUsage.FromAnthropic(1, -1, 0, 0)).Field.ShouldBe("cache_read_input_tokens");
    }

    public static TheoryData<string> Fixtures => new(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures"), "*.json").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Real_provider_usage_payloads_are_priced_exactly(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", file)));
        var root = doc.RootElement;
        var provider = root.GetProperty("provider").GetString()!;
        var response = root.GetProperty("response");
        var usage = provider switch
        {
            "openai" => ProviderUsageJson.ParseOpenAI(response),
            "anthropic" => ProviderUsageJson.ParseAnthropic(response),
            "google" => ProviderUsageJson.ParseGemini(response),
            _ => throw new InvalidOperationException(provider),
        };
        var expected = root.GetProperty("expected");
        usage.InputTokens.ShouldBe(expected.GetProperty("input").GetInt64());
        usage.CachedInputTokens.ShouldBe(expected.GetProperty("cached").GetInt64());
        usage.CacheWrite5mInputTokens.ShouldBe(expected.GetProperty("write5m").GetInt64());
        usage.CacheWrite1hInputTokens.ShouldBe(expected.GetProperty("write1h").GetInt64());
        usage.OutputTokens.ShouldBe(expected.GetProperty("output").GetInt64());
        usage.ReasoningTokens.ShouldBe(expected.GetProperty("reasoning").GetInt64());

        var prices = new CatalogModelPriceProvider();
        var model = response.TryGetProperty("model", out var m) ? m.GetString()! : root.GetProperty("model").GetString()!;
        prices.TryGetPrice(provider, model, DateTimeOffset.Parse(root.GetProperty("asOf").GetString()!, CultureInfo.InvariantCulture), out var price).ShouldBeTrue(model);
        CostCalculator.Compute(price, usage).ShouldBe(decimal.Parse(expected.GetProperty("costUsd").GetString()!, CultureInfo.InvariantCulture), file);
    }
}
