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

    /// <summary>
    /// Under load, the shortest time between two ledger transactions: records arriving meanwhile go into the next one, so the database
    /// commits (on SQLite, syncs its log) a few dozen times a second instead of once per handful of calls; a record after a quiet spell is
    /// written at once (<c>Foundation:Costing:Ledger:CommitIntervalMilliseconds</c>, 0 to 1,000; 0 commits as soon as the previous
    /// transaction ends). Default 50.
    /// </summary>
    public int CommitIntervalMilliseconds { get; set; } = 50;

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

    /// <summary>
    /// How long an instance may use the budget definitions it cached for a tenant before reading them again
    /// (<c>Foundation:Costing:Budgets:DefinitionCacheSeconds</c>). A change made through this instance applies at once; a change made on
    /// another instance applies here within this many seconds. Default 5; 0 reads them on every call.
    /// </summary>
    public int DefinitionCacheSeconds { get; set; } = 5;

    /// <summary>Budget leases: slices of headroom an instance admits calls against in memory (<c>Foundation:Costing:Budgets:Leases</c>).</summary>
    public BudgetLeaseOptions Leases { get; } = new();

    /// <summary>The thresholds in percent a new budget gets when none are given (<c>Foundation:Costing:Budgets:DefaultThresholds</c>). Default 50, 80, 100.</summary>
    public IList<int> DefaultThresholds { get; } = [];

    /// <summary>Effective thresholds: <see cref="DefaultThresholds"/> or 50, 80, 100.</summary>
    internal IReadOnlyList<int> Thresholds => DefaultThresholds.Count > 0 ? [.. DefaultThresholds] : [50, 80, 100];
}

/// <summary>
/// Budget leases (decision 0012): an instance takes a slice of a budget period's remaining headroom in one conditional UPDATE, admits calls
/// against it in memory and writes their spend in batches. Recorded spend + reservations + outstanding slices never exceed the limit.
/// </summary>
public sealed class BudgetLeaseOptions
{
    /// <summary>Whether instances lease headroom (<c>Foundation:Costing:Budgets:Leases:Enabled</c>). Default true; false reserves and settles every call in the database.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// A slice is at most 1/<c>SliceDivisor</c> of the headroom left when it is taken, rounded down to whole calls of the worst case that asks
    /// (<c>Foundation:Costing:Budgets:Leases:SliceDivisor</c>). Larger means more instances can share the headroom near the limit. Default 8.
    /// </summary>
    public int SliceDivisor { get; set; } = 8;

    /// <summary>
    /// The fewest calls a slice must afford; below it the period is metered per call in the database, as without leases
    /// (<c>Foundation:Costing:Budgets:Leases:MinSliceCalls</c>). Default 2.
    /// </summary>
    public int MinSliceCalls { get; set; } = 2;

    /// <summary>The most calls one slice affords (<c>Foundation:Costing:Budgets:Leases:MaxSliceCalls</c>). Default 1000.</summary>
    public int MaxSliceCalls { get; set; } = 1000;

    /// <summary>
    /// When the free part of a slice falls below this percentage of it, the next slice is taken in the background, so calls do not wait for
    /// the database when the slice runs out (<c>Foundation:Costing:Budgets:Leases:RefillBelowPercent</c>, 0 to 99). Default 25; 0 turns
    /// refills off (the call that finds the slice empty takes the next one).
    /// </summary>
    public int RefillBelowPercent { get; set; } = 25;

    /// <summary>
    /// How long a lease lives unless its instance renews it; after that the reclaimer of any instance returns it (the holder crashed)
    /// (<c>Foundation:Costing:Budgets:Leases:TtlSeconds</c>). Default 60.
    /// </summary>
    public int TtlSeconds { get; set; } = 60;

    /// <summary>How often settled spend is written and leases are renewed (<c>Foundation:Costing:Budgets:Leases:FlushIntervalMilliseconds</c>). Default 1000.</summary>
    public int FlushIntervalMilliseconds { get; set; } = 1000;

    /// <summary>A slice unused this long is returned to the budget (<c>Foundation:Costing:Budgets:Leases:IdleSeconds</c>). Default 10.</summary>
    public int IdleSeconds { get; set; } = 10;
}
