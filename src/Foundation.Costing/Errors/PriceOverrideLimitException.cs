namespace Foundation.Costing.Pricing;

/// <summary>
/// A tenant already keeps <see cref="CostingOptions.MaxPriceOverridesPerTenant"/> price rows; remove some before adding another (HTTP 409).
/// </summary>
public sealed class PriceOverrideLimitException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PriceOverrideLimitException()
        : base("The tenant has reached its number of price overrides; remove some before adding another.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public PriceOverrideLimitException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public PriceOverrideLimitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
