namespace Foundation.Llm.Routing.Providers;

/// <summary>
/// How every client of this package fills <see cref="Microsoft.Extensions.AI.UsageDetails"/>, whatever the provider's wire format:
/// <list type="bullet">
/// <item><c>InputTokenCount</c>: ALL input tokens, cached reads and cache writes included (OpenAI's <c>prompt_tokens</c>;
/// Anthropic's <c>input_tokens + cache_read_input_tokens + cache_creation_input_tokens</c>).</item>
/// <item><c>CachedInputTokenCount</c>: input tokens read from the provider's prompt cache (OpenAI <c>prompt_tokens_details.cached_tokens</c>,
/// Anthropic <c>cache_read_input_tokens</c>).</item>
/// <item><c>OutputTokenCount</c>: all output tokens, reasoning included; <c>ReasoningTokenCount</c>: the reasoning part.</item>
/// <item><c>AdditionalCounts</c>: cache writes under the keys below (Anthropic <c>cache_creation_input_tokens</c>, split by TTL when the provider says).</item>
/// </list>
/// So uncached, unwritten input = Input - CachedInput - CacheWrite, on every provider.
/// </summary>
public static class LlmUsageKeys
{
    /// <summary>Input tokens written to the prompt cache (all TTLs).</summary>
    public const string CacheWriteInputTokens = "cache_write_input_tokens";

    /// <summary>Of <see cref="CacheWriteInputTokens"/>, those written with Anthropic's 5-minute TTL.</summary>
    public const string CacheWrite5mInputTokens = "cache_write_5m_input_tokens";

    /// <summary>Of <see cref="CacheWriteInputTokens"/>, those written with Anthropic's 1-hour TTL.</summary>
    public const string CacheWrite1hInputTokens = "cache_write_1h_input_tokens";

    /// <summary>Set to 1 when the counts are estimates because the provider reported none (for example a stream without a usage chunk).</summary>
    public const string Estimated = "estimated";
}
