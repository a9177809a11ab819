namespace Foundation.Costing.Pricing;

/// <summary>A resolved price: the entry used and the model id that matched (after normalisation).</summary>
/// <param name="Entry">The entry in effect.</param>
/// <param name="MatchedModel">The catalog model the request's model id resolved to (for example <c>gpt-4o-mini</c> for <c>gpt-4o-mini-2024-07-18</c>).</param>
public readonly record struct PriceMatch(PriceEntry Entry, string MatchedModel);
