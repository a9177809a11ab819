using Foundation.Pricing;

namespace Foundation.Costing.Pricing;

/// <summary>Where a price came from; a higher layer wins over a lower one for the same provider and model.</summary>
public enum PriceSource
{
    /// <summary>The catalog shipped inside the package (<c>Pricing/Resources/prices.json</c>).</summary>
    Default = 0,

    /// <summary>Configuration (<c>Foundation:Costing:Prices:{provider}:{model}</c>).</summary>
    Configuration = 1,

    /// <summary>The <c>costing_prices</c> table, set through <see cref="PriceCatalogService"/>.</summary>
    Database = 2,
}

/// <summary>One price of one model at one provider, in effect from <see cref="EffectiveFrom"/> until the next entry's date.</summary>
/// <param name="Provider">The provider, lower-case (<c>openai</c>, <c>anthropic</c>, <c>google</c>, <c>mistral</c>, or a configured name).</param>
/// <param name="Model">The model id, lower-case.</param>
/// <param name="EffectiveFrom">When the price took effect (UTC).</param>
/// <param name="Price">USD per one million tokens.</param>
/// <param name="Source">Which layer it came from.</param>
/// <param name="Note">Where the number comes from (for the shipped catalog) or who set it.</param>
public sealed record PriceEntry(string Provider, string Model, DateTimeOffset EffectiveFrom, ModelPrice Price, PriceSource Source, string? Note = null);

/// <summary>A resolved price: the entry used and the model id that matched (after normalisation).</summary>
/// <param name="Entry">The entry in effect.</param>
/// <param name="MatchedModel">The catalog model the request's model id resolved to (for example <c>gpt-4o-mini</c> for <c>gpt-4o-mini-2024-07-18</c>).</param>
public readonly record struct PriceMatch(PriceEntry Entry, string MatchedModel);
