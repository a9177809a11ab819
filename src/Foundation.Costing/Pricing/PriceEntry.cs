using Foundation.Pricing;

namespace Foundation.Costing.Pricing;

/// <summary>Where a price came from; a higher layer wins over a lower one for the same provider and model.</summary>
public enum PriceSource
{
    /// <summary>The catalog shipped inside the package (<c>Pricing/Resources/prices.json</c>).</summary>
    Default = 0,

    /// <summary>Configuration (<c>Foundation:Costing:Prices:{provider}:{model}</c>).</summary>
    Configuration = 1,

    /// <summary>The <c>costing_prices</c> table's global rows, set by a platform operator through <see cref="PriceCatalogService.SetPriceAsync"/>.</summary>
    Database = 2,

    /// <summary>
    /// A tenant's own override (<c>costing_prices</c> rows with a <c>tenant_id</c>), set through <see cref="PriceCatalogService.SetTenantPriceAsync"/>.
    /// It applies to that tenant's calls only and wins over every global layer there.
    /// </summary>
    Tenant = 3,
}

/// <summary>One price of one model at one provider, in effect from <see cref="EffectiveFrom"/> until the next entry's date.</summary>
/// <param name="Provider">The provider, lower-case (<c>openai</c>, <c>anthropic</c>, <c>google</c>, <c>mistral</c>, or a configured name).</param>
/// <param name="Model">The model id, lower-case.</param>
/// <param name="EffectiveFrom">When the price took effect (UTC).</param>
/// <param name="Price">USD per one million tokens.</param>
/// <param name="Source">Which layer it came from.</param>
/// <param name="Note">Where the number comes from (for the shipped catalog) or who set it.</param>
public sealed record PriceEntry(string Provider, string Model, DateTimeOffset EffectiveFrom, ModelPrice Price, PriceSource Source, string? Note = null)
{
    /// <summary>The tenant whose override this is (<see cref="PriceSource.Tenant"/>); <see langword="null"/> for a global entry.</summary>
    public string? TenantId { get; init; }

    /// <summary>Whether this is a tenant's override rather than a global price.</summary>
    public bool IsOverride => TenantId is not null;
}
