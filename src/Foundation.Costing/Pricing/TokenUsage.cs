using Microsoft.Extensions.AI;

namespace Foundation.Costing.Pricing;

/// <summary>
/// The tokens of one call in Foundation's normalised form, whatever the provider's wire format:
/// <see cref="InputTokens"/> counts ALL input tokens, cache reads and cache writes included; <see cref="OutputTokens"/> counts all output,
/// reasoning included. So the uncached, unwritten input is <see cref="UncachedInputTokens"/> = input - cached - writes.
/// Build it from <see cref="UsageDetails"/> (<see cref="FromUsageDetails"/>) or from a provider's raw numbers
/// (<see cref="FromOpenAI"/>, <see cref="FromAnthropic"/>, <see cref="FromGemini"/>), never by hand-adding provider fields.
/// </summary>
public readonly record struct TokenUsage
{
    // The keys Foundation's clients use in UsageDetails.AdditionalCounts. They are the same strings as
    // Foundation.Llm.Routing.Providers.LlmUsageKeys, repeated here because Costing must not reference Llm.Routing.
    internal const string CacheWriteKey = "cache_write_input_tokens";
    internal const string CacheWrite5mKey = "cache_write_5m_input_tokens";
    internal const string CacheWrite1hKey = "cache_write_1h_input_tokens";
    internal const string EstimatedKey = "estimated";

    /// <summary>Creates a usage; every count must be zero or more, and the parts must fit in their totals.</summary>
    /// <param name="inputTokens">All input tokens (cached reads and cache writes included).</param>
    /// <param name="cachedInputTokens">Input tokens read from the prompt cache.</param>
    /// <param name="cacheWrite5mInputTokens">Input tokens written to the cache with a 5-minute TTL (Anthropic's default).</param>
    /// <param name="cacheWrite1hInputTokens">Input tokens written to the cache with a 1-hour TTL.</param>
    /// <param name="outputTokens">All output tokens (reasoning included).</param>
    /// <param name="reasoningTokens">The reasoning part of <paramref name="outputTokens"/>.</param>
    /// <param name="isEstimated">Whether the counts are estimates (the provider reported none).</param>
    /// <exception cref="CostingValidationException">A count is negative, or the parts exceed their total.</exception>
    public TokenUsage(long inputTokens, long cachedInputTokens = 0, long cacheWrite5mInputTokens = 0, long cacheWrite1hInputTokens = 0,
        long outputTokens = 0, long reasoningTokens = 0, bool isEstimated = false)
    {
        NotNegative(inputTokens, "inputTokens");
        NotNegative(cachedInputTokens, "cachedInputTokens");
        NotNegative(cacheWrite5mInputTokens, "cacheWrite5mInputTokens");
        NotNegative(cacheWrite1hInputTokens, "cacheWrite1hInputTokens");
        NotNegative(outputTokens, "outputTokens");
        NotNegative(reasoningTokens, "reasoningTokens");
        if (cachedInputTokens + cacheWrite5mInputTokens + cacheWrite1hInputTokens > inputTokens)
        {
            throw new CostingValidationException("inputTokens",
                $"inputTokens ({inputTokens}) must include the cached ({cachedInputTokens}) and cache-write ({cacheWrite5mInputTokens + cacheWrite1hInputTokens}) tokens. " +
                "For Anthropic's raw usage, whose input_tokens exclude them, use TokenUsage.FromAnthropic.");
        }

        if (reasoningTokens > outputTokens)
        {
            throw new CostingValidationException("reasoningTokens", $"reasoningTokens ({reasoningTokens}) are part of outputTokens ({outputTokens}) and cannot exceed them.");
        }

        InputTokens = inputTokens;
        CachedInputTokens = cachedInputTokens;
        CacheWrite5mInputTokens = cacheWrite5mInputTokens;
        CacheWrite1hInputTokens = cacheWrite1hInputTokens;
        OutputTokens = outputTokens;
        ReasoningTokens = reasoningTokens;
        IsEstimated = isEstimated;
    }

    /// <summary>All input tokens, cache reads and writes included.</summary>
    public long InputTokens { get; }

    /// <summary>Input tokens read from the prompt cache.</summary>
    public long CachedInputTokens { get; }

    /// <summary>Input tokens written to the prompt cache with a 5-minute TTL.</summary>
    public long CacheWrite5mInputTokens { get; }

    /// <summary>Input tokens written to the prompt cache with a 1-hour TTL.</summary>
    public long CacheWrite1hInputTokens { get; }

    /// <summary>All output tokens, reasoning included.</summary>
    public long OutputTokens { get; }

    /// <summary>The reasoning part of <see cref="OutputTokens"/>.</summary>
    public long ReasoningTokens { get; }

    /// <summary>Whether the counts are estimates.</summary>
    public bool IsEstimated { get; }

    /// <summary>Input tokens neither read from nor written to the cache.</summary>
    public long UncachedInputTokens => InputTokens - CachedInputTokens - CacheWrite5mInputTokens - CacheWrite1hInputTokens;

    /// <summary>Input tokens written to the cache (both TTLs).</summary>
    public long CacheWriteInputTokens => CacheWrite5mInputTokens + CacheWrite1hInputTokens;

    /// <summary>Input plus output tokens.</summary>
    public long TotalTokens => InputTokens + OutputTokens;

    /// <summary>
    /// Reads Microsoft.Extensions.AI's <see cref="UsageDetails"/> as every Foundation client fills it: <c>InputTokenCount</c> all input,
    /// <c>CachedInputTokenCount</c> cache reads, <c>ReasoningTokenCount</c> part of <c>OutputTokenCount</c>, cache writes in
    /// <c>AdditionalCounts["cache_write_5m_input_tokens"]</c> / <c>["cache_write_1h_input_tokens"]</c> (the rest of
    /// <c>["cache_write_input_tokens"]</c> counts as 5-minute writes, Anthropic's default) and <c>["estimated"] = 1</c> for estimates.
    /// A client that reports parts larger than their totals is clamped (input is raised to cover its parts) rather than priced below zero.
    /// </summary>
    public static TokenUsage FromUsageDetails(UsageDetails? usage)
    {
        if (usage is null)
        {
            return default;
        }

        long write5m = 0, write1h = 0, writeAll = 0;
        var estimated = false;
        if (usage.AdditionalCounts is { Count: > 0 } extra)
        {
            write5m = Math.Max(0, extra.TryGetValue(CacheWrite5mKey, out var w5) ? w5 : 0);
            write1h = Math.Max(0, extra.TryGetValue(CacheWrite1hKey, out var w1) ? w1 : 0);
            writeAll = Math.Max(0, extra.TryGetValue(CacheWriteKey, out var w) ? w : 0);
            estimated = extra.TryGetValue(EstimatedKey, out var e) && e != 0;
        }

        // The total of writes may be given alone, or with its split by TTL; whatever the split leaves is a 5-minute write.
        write5m += Math.Max(0, writeAll - write5m - write1h);
        var cached = Math.Max(0, usage.CachedInputTokenCount ?? 0);
        var input = Math.Max(Math.Max(0, usage.InputTokenCount ?? 0), cached + write5m + write1h);
        var reasoning = Math.Max(0, usage.ReasoningTokenCount ?? 0);
        var output = Math.Max(Math.Max(0, usage.OutputTokenCount ?? 0), reasoning);
        return new TokenUsage(input, cached, write5m, write1h, output, reasoning, estimated);
    }

    /// <summary>
    /// OpenAI's usage (Chat Completions and Responses alike): <c>prompt_tokens</c> / <c>input_tokens</c> INCLUDE
    /// <c>prompt_tokens_details.cached_tokens</c>; <c>completion_tokens</c> / <c>output_tokens</c> include
    /// <c>completion_tokens_details.reasoning_tokens</c>. OpenAI has no cache-write charge.
    /// </summary>
    public static TokenUsage FromOpenAI(long promptTokens, long cachedTokens, long completionTokens, long reasoningTokens = 0) =>
        new(promptTokens, cachedTokens, 0, 0, completionTokens, reasoningTokens);

    /// <summary>
    /// Anthropic's Messages usage: <c>input_tokens</c> EXCLUDE <c>cache_read_input_tokens</c> and <c>cache_creation_input_tokens</c>, so all
    /// three are added. <c>cache_creation</c>'s split (<c>ephemeral_5m_input_tokens</c>, <c>ephemeral_1h_input_tokens</c>) is used when
    /// given; otherwise every write is a 5-minute write. Thinking is billed as output and is inside <c>output_tokens</c>.
    /// </summary>
    public static TokenUsage FromAnthropic(long inputTokens, long cacheReadInputTokens, long cacheCreationInputTokens, long outputTokens,
        long? ephemeral5mInputTokens = null, long? ephemeral1hInputTokens = null)
    {
        NotNegative(inputTokens, "input_tokens");
        NotNegative(cacheReadInputTokens, "cache_read_input_tokens");
        NotNegative(cacheCreationInputTokens, "cache_creation_input_tokens");
        long write1h = ephemeral1hInputTokens ?? 0;
        long write5m = ephemeral5mInputTokens ?? (cacheCreationInputTokens - write1h);
        if (ephemeral5mInputTokens is not null || ephemeral1hInputTokens is not null)
        {
            // Trust the split, but never lose written tokens the total reports beyond it.
            write5m += Math.Max(0, cacheCreationInputTokens - write5m - write1h);
        }

        return new TokenUsage(inputTokens + cacheReadInputTokens + write5m + write1h, cacheReadInputTokens, write5m, write1h, outputTokens, 0);
    }

    /// <summary>
    /// Gemini's <c>usageMetadata</c>: <c>promptTokenCount</c> INCLUDES <c>cachedContentTokenCount</c>; <c>thoughtsTokenCount</c> is NOT inside
    /// <c>candidatesTokenCount</c> and is billed as output, so output = candidates + thoughts.
    /// </summary>
    public static TokenUsage FromGemini(long promptTokenCount, long cachedContentTokenCount, long candidatesTokenCount, long thoughtsTokenCount = 0) =>
        new(promptTokenCount, cachedContentTokenCount, 0, 0, candidatesTokenCount + thoughtsTokenCount, thoughtsTokenCount);

    private static void NotNegative(long value, string field)
    {
        if (value < 0)
        {
            throw new CostingValidationException(field, $"{field} must be zero or more; it is {value}.");
        }
    }
}
