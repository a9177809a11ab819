namespace Foundation.Costing;

/// <summary>Options of Foundation.Costing, bound from <c>Foundation:Costing</c>.</summary>
public sealed class CostingOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Foundation:Costing";

    /// <summary>The IANA time zone of calendar budget periods and of day buckets in analytics (<c>Foundation:Costing:TimeZone</c>). Default <c>UTC</c>.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>
    /// The output tokens a budget reserves for a call whose <c>ChatOptions.MaxOutputTokens</c> is not set
    /// (<c>Foundation:Costing:DefaultMaxOutputTokens</c>). Default 4096.
    /// </summary>
    public int DefaultMaxOutputTokens { get; set; } = 4096;

    /// <summary>
    /// Price overrides by provider and model: <c>Foundation:Costing:Prices:{provider}:{model}:InputPerMillion</c> and so on. They win over
    /// the shipped catalog; prices set in the database win over them.
    /// </summary>
    public Dictionary<string, Dictionary<string, PriceOverrideOptions>> Prices { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How often each instance re-reads the prices of the <c>costing_prices</c> table (<c>Foundation:Costing:PriceRefreshSeconds</c>). Default 60.</summary>
    public int PriceRefreshSeconds { get; set; } = 60;

    /// <summary>
    /// The most price rows (overrides, each date counted) one tenant may keep in <c>costing_prices</c>
    /// (<c>Foundation:Costing:MaxPriceOverridesPerTenant</c>). Every instance holds every tenant's overrides in memory, so this bounds
    /// what one tenant can make all of them hold. Default 1000; 1 to 100,000.
    /// </summary>
    public int MaxPriceOverridesPerTenant { get; set; } = 1000;

    /// <summary>The ledger writer (<c>Foundation:Costing:Ledger</c>).</summary>
    public LedgerOptions Ledger { get; } = new();

    /// <summary>Budget enforcement (<c>Foundation:Costing:Budgets</c>).</summary>
    public BudgetOptions Budgets { get; } = new();
}

/// <summary>One configured price, USD per one million tokens.</summary>
public sealed class PriceOverrideOptions
{
    /// <summary>Uncached input. Required.</summary>
    public decimal? InputPerMillion { get; set; }

    /// <summary>Output. Required.</summary>
    public decimal? OutputPerMillion { get; set; }

    /// <summary>Cache reads.</summary>
    public decimal? CachedInputPerMillion { get; set; }

    /// <summary>5-minute cache writes.</summary>
    public decimal? CacheWrite5mPerMillion { get; set; }

    /// <summary>1-hour cache writes.</summary>
    public decimal? CacheWrite1hPerMillion { get; set; }

    /// <summary>Reasoning output when priced apart.</summary>
    public decimal? ReasoningPerMillion { get; set; }

    /// <summary>When the price takes effect; default: always (0001-01-01).</summary>
    public DateTimeOffset? EffectiveFrom { get; set; }
}

/// <summary>The batched ledger writer.</summary>
public sealed class LedgerOptions
{
    /// <summary>Records buffered in memory at most, while the database is slow or down (<c>Foundation:Costing:Ledger:Capacity</c>). Default 100,000.</summary>
    public int Capacity { get; set; } = 100_000;

    /// <summary>Records written per batch (<c>Foundation:Costing:Ledger:BatchSize</c>). Default 1,000.</summary>
    public int BatchSize { get; set; } = 1_000;

    /// <summary>The longest wait between retries while the database is down (<c>Foundation:Costing:Ledger:MaxRetryDelaySeconds</c>). Default 30.</summary>
    public int MaxRetryDelaySeconds { get; set; } = 30;

    /// <summary>How long a shutdown may spend flushing (<c>Foundation:Costing:Ledger:ShutdownFlushSeconds</c>). Default 30.</summary>
    public int ShutdownFlushSeconds { get; set; } = 30;
}

/// <summary>Budget enforcement.</summary>
public sealed class BudgetOptions
{
    /// <summary>Whether metered clients reserve against budgets before calling (<c>Foundation:Costing:Budgets:Enabled</c>). Default true (needs a store).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long a reservation lives before the reclaimer returns it (<c>Foundation:Costing:Budgets:ReservationTtlSeconds</c>). Default 600.</summary>
    public int ReservationTtlSeconds { get; set; } = 600;

    /// <summary>How often expired reservations are reclaimed (<c>Foundation:Costing:Budgets:ReclaimIntervalSeconds</c>). Default 60.</summary>
    public int ReclaimIntervalSeconds { get; set; } = 60;

    /// <summary>The thresholds in percent a new budget gets when none are given (<c>Foundation:Costing:Budgets:DefaultThresholds</c>). Default 50, 80, 100.</summary>
    public IList<int> DefaultThresholds { get; } = [];

    /// <summary>Effective thresholds: <see cref="DefaultThresholds"/> or 50, 80, 100.</summary>
    internal IReadOnlyList<int> Thresholds => DefaultThresholds.Count > 0 ? [.. DefaultThresholds] : [50, 80, 100];
}
