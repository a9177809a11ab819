using Foundation.Pricing;

namespace Foundation.Costing.Pricing;

/// <summary>
/// One row of the prices a tenant sees (<see cref="PriceCatalogService.ListForTenantAsync"/>): the tenant's overrides and the global entries,
/// each marked with whether it is an override and whether it is the entry a call to exactly this provider and model is charged now.
/// </summary>
/// <param name="Provider">The provider, lower-case.</param>
/// <param name="Model">The model id, lower-case.</param>
/// <param name="EffectiveFrom">When the price took effect (UTC).</param>
/// <param name="Price">USD per one million tokens.</param>
/// <param name="Source">Which layer it came from (<see cref="PriceSource.Tenant"/> for the tenant's overrides).</param>
/// <param name="Note">Where the number comes from, or who set it.</param>
/// <param name="IsOverride">Whether this is the tenant's own override (it applies to this tenant only).</param>
/// <param name="InEffect">Whether a call to exactly this provider and model is charged at this entry now.</param>
public sealed record TenantPriceEntry(string Provider, string Model, DateTimeOffset EffectiveFrom, ModelPrice Price, PriceSource Source, string? Note, bool IsOverride, bool InEffect);
