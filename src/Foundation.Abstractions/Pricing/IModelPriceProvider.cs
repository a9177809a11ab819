namespace Foundation.Pricing;

/// <summary>
/// Prices of LLM models per provider and model. Foundation.Costing implements it from its catalog; Foundation.Llm.Routing's
/// lowest-cost strategy reads it. Neither package references the other: this contract is what they share.
/// </summary>
public interface IModelPriceProvider
{
    /// <summary>The price of <paramref name="model"/> at <paramref name="provider"/> in effect at <paramref name="asOf"/>.</summary>
    /// <param name="provider">The provider system as in OpenTelemetry's <c>gen_ai.system</c> (<c>openai</c>, <c>anthropic</c>) or a configured provider name.</param>
    /// <param name="model">The provider's model id.</param>
    /// <param name="asOf">The time the price must be in effect at.</param>
    /// <param name="price">The price, when known.</param>
    /// <returns><see langword="false"/> when the model is unpriced (never treat that as free).</returns>
    bool TryGetPrice(string provider, string model, DateTimeOffset asOf, out ModelPrice price);

    /// <summary>
    /// The price <paramref name="tenantId"/> is charged for <paramref name="model"/> at <paramref name="provider"/> in effect at
    /// <paramref name="asOf"/>: the tenant's own override when it has one, otherwise the global price. A tenant's override never applies
    /// to another tenant. The default implementation knows no overrides and answers the global price, so existing implementers keep compiling.
    /// </summary>
    /// <param name="tenantId">The caller's tenant (<c>""</c> for the default tenant); <see langword="null"/> asks for the global price only.</param>
    /// <param name="provider">The provider system as in OpenTelemetry's <c>gen_ai.system</c> (<c>openai</c>, <c>anthropic</c>) or a configured provider name.</param>
    /// <param name="model">The provider's model id.</param>
    /// <param name="asOf">The time the price must be in effect at.</param>
    /// <param name="price">The price, when known.</param>
    /// <returns><see langword="false"/> when the model is unpriced (never treat that as free).</returns>
    bool TryGetPrice(string? tenantId, string provider, string model, DateTimeOffset asOf, out ModelPrice price) =>
        TryGetPrice(provider, model, asOf, out price);
}

/// <summary>A model's list prices in USD per one million tokens.</summary>
/// <param name="InputPerMillion">Uncached input.</param>
/// <param name="OutputPerMillion">Output (reasoning included unless <paramref name="ReasoningPerMillion"/> is set).</param>
/// <param name="CachedInputPerMillion">Input read from the prompt cache; <see langword="null"/> when the model has no cached rate (then input rate).</param>
/// <param name="CacheWrite5mPerMillion">Input written to the prompt cache with a 5-minute TTL (Anthropic); <see langword="null"/> when not priced apart.</param>
/// <param name="CacheWrite1hPerMillion">Input written to the prompt cache with a 1-hour TTL (Anthropic); <see langword="null"/> when not priced apart.</param>
/// <param name="ReasoningPerMillion">Reasoning output when priced apart from output; otherwise <see langword="null"/>.</param>
public readonly record struct ModelPrice(
    decimal InputPerMillion,
    decimal OutputPerMillion,
    decimal? CachedInputPerMillion = null,
    decimal? CacheWrite5mPerMillion = null,
    decimal? CacheWrite1hPerMillion = null,
    decimal? ReasoningPerMillion = null);
