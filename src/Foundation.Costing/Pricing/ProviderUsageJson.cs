using System.Text.Json;

namespace Foundation.Costing.Pricing;

/// <summary>
/// Reads the <c>usage</c> object of a provider's raw response (or of the whole response, which contains it) into a
/// <see cref="TokenUsage"/>, applying each provider's rule for what its input count includes.
/// </summary>
public static class ProviderUsageJson
{
    /// <summary>
    /// OpenAI Chat Completions (<c>prompt_tokens</c>, <c>prompt_tokens_details.cached_tokens</c>, <c>completion_tokens</c>,
    /// <c>completion_tokens_details.reasoning_tokens</c>) or Responses (<c>input_tokens</c>, <c>input_tokens_details.cached_tokens</c>,
    /// <c>output_tokens</c>, <c>output_tokens_details.reasoning_tokens</c>). Input includes the cached tokens.
    /// </summary>
    public static TokenUsage ParseOpenAI(JsonElement usageOrResponse)
    {
        var u = UsageObject(usageOrResponse, "usage");
        var input = Number(u, "prompt_tokens") ?? Number(u, "input_tokens") ?? 0;
        var cached = Nested(u, "prompt_tokens_details", "cached_tokens") ?? Nested(u, "input_tokens_details", "cached_tokens") ?? 0;
        var output = Number(u, "completion_tokens") ?? Number(u, "output_tokens") ?? 0;
        var reasoning = Nested(u, "completion_tokens_details", "reasoning_tokens") ?? Nested(u, "output_tokens_details", "reasoning_tokens") ?? 0;
        return TokenUsage.FromOpenAI(input, cached, output, reasoning);
    }

    /// <summary>
    /// Anthropic Messages (<c>input_tokens</c>, <c>cache_read_input_tokens</c>, <c>cache_creation_input_tokens</c>, optional
    /// <c>cache_creation.ephemeral_5m_input_tokens</c> / <c>ephemeral_1h_input_tokens</c>, <c>output_tokens</c>). Input excludes the cache parts.
    /// </summary>
    public static TokenUsage ParseAnthropic(JsonElement usageOrResponse)
    {
        var u = UsageObject(usageOrResponse, "usage");
        return TokenUsage.FromAnthropic(
            Number(u, "input_tokens") ?? 0,
            Number(u, "cache_read_input_tokens") ?? 0,
            Number(u, "cache_creation_input_tokens") ?? 0,
            Number(u, "output_tokens") ?? 0,
            Nested(u, "cache_creation", "ephemeral_5m_input_tokens"),
            Nested(u, "cache_creation", "ephemeral_1h_input_tokens"));
    }

    /// <summary>Gemini <c>usageMetadata</c> (<c>promptTokenCount</c> incl. <c>cachedContentTokenCount</c>; <c>candidatesTokenCount</c> + <c>thoughtsTokenCount</c>).</summary>
    public static TokenUsage ParseGemini(JsonElement usageOrResponse)
    {
        var u = UsageObject(usageOrResponse, "usageMetadata");
        return TokenUsage.FromGemini(
            Number(u, "promptTokenCount") ?? 0,
            Number(u, "cachedContentTokenCount") ?? 0,
            Number(u, "candidatesTokenCount") ?? 0,
            Number(u, "thoughtsTokenCount") ?? 0);
    }

    private static JsonElement UsageObject(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new CostingValidationException(name, $"Expected a JSON object with '{name}'; got {element.ValueKind}.");
        }

        return element.TryGetProperty(name, out var inner) && inner.ValueKind == JsonValueKind.Object ? inner : element;
    }

    private static long? Number(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;

    private static long? Nested(JsonElement obj, string parent, string name) =>
        obj.TryGetProperty(parent, out var p) && p.ValueKind == JsonValueKind.Object ? Number(p, name) : null;
}
