using Foundation.Costing.Metering;

namespace Foundation.Costing.Storage;

/// <summary>Maximum lengths of the string columns, shared by the model and the migration.</summary>
internal static class CostingColumnLengths
{
    public const int TenantId = 128;
    public const int UserId = 128;
    public const int ApiKeyId = 64;
    public const int TeamId = 128;
    public const int Roles = 256;
    public const int Provider = 64;
    public const int Model = 128;
    public const int Deployment = 128;
    public const int ErrorType = 128;
    public const int RequestId = 128;
    public const int BudgetName = 128;
    public const int ScopeValue = 128;
    public const int Thresholds = 64;
    public const int Note = 256;
    public const int Subject = 128;
    public const int Holder = 64;
}

/// <summary>One metered call in <c>costing_ledger</c> (append-only). Money is stored in nano-dollars (1e-9 USD) so both engines sum it exactly.</summary>
public sealed class LedgerEntry
{
    /// <summary>Id (version 7 GUID, time-ordered).</summary>
    public Guid Id { get; set; }

    /// <summary>When the call ended.</summary>
    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>Hours since the Unix epoch of <see cref="OccurredAt"/>: the time-series bucket, groupable on both engines.</summary>
    public long HourBucket { get; set; }

    /// <summary>Tenant ("" when none).</summary>
    public string TenantId { get; set; } = "";

    /// <summary>User.</summary>
    public string? UserId { get; set; }

    /// <summary>API key id.</summary>
    public string? ApiKeyId { get; set; }

    /// <summary>Team.</summary>
    public string? TeamId { get; set; }

    /// <summary>Roles, space-separated.</summary>
    public string? Roles { get; set; }

    /// <summary>Provider.</summary>
    public string Provider { get; set; } = "";

    /// <summary>Model.</summary>
    public string Model { get; set; } = "";

    /// <summary>Deployment (set by a router).</summary>
    public string? Deployment { get; set; }

    /// <summary>All input tokens.</summary>
    public long InputTokens { get; set; }

    /// <summary>Cache reads.</summary>
    public long CachedInputTokens { get; set; }

    /// <summary>Cache writes.</summary>
    public long CacheWriteInputTokens { get; set; }

    /// <summary>All output tokens.</summary>
    public long OutputTokens { get; set; }

    /// <summary>Reasoning part of output.</summary>
    public long ReasoningTokens { get; set; }

    /// <summary>Input + output.</summary>
    public long TotalTokens { get; set; }

    /// <summary>Cost in nano-dollars; <see langword="null"/> when unpriced.</summary>
    public long? CostNanos { get; set; }

    /// <summary>Latency in milliseconds.</summary>
    public double LatencyMs { get; set; }

    /// <summary>Time to first token (streams) in milliseconds.</summary>
    public double? TimeToFirstTokenMs { get; set; }

    /// <summary>Outcome.</summary>
    public UsageStatus Status { get; set; }

    /// <summary>Exception type on error.</summary>
    public string? ErrorType { get; set; }

    /// <summary>Request id.</summary>
    public string? RequestId { get; set; }

    /// <summary>Whether the counts are estimates.</summary>
    public bool Estimated { get; set; }

    /// <summary>Whether the call was streamed.</summary>
    public bool Streaming { get; set; }
}

/// <summary>A budget in <c>costing_budgets</c>.</summary>
public sealed class BudgetEntity
{
    /// <summary>Id.</summary>
    public Guid Id { get; set; }

    /// <summary>Tenant.</summary>
    public string TenantId { get; set; } = "";

    /// <summary>Name, unique in the tenant.</summary>
    public string Name { get; set; } = "";

    /// <summary>Scope kind.</summary>
    public Budgets.BudgetScope ScopeKind { get; set; }

    /// <summary>The scope's id (user, team, API key) or role name; <see langword="null"/> for the tenant scope.</summary>
    public string? ScopeValue { get; set; }

    /// <summary>Period.</summary>
    public Budgets.BudgetPeriod Period { get; set; }

    /// <summary>Window length in hours for rolling budgets.</summary>
    public int? RollingHours { get; set; }

    /// <summary>Money limit in nano-dollars.</summary>
    public long? LimitCostNanos { get; set; }

    /// <summary>Token limit.</summary>
    public long? LimitTokens { get; set; }

    /// <summary>Soft thresholds in percent, comma-separated, ascending.</summary>
    public string Thresholds { get; set; } = "50,80,100";

    /// <summary>Whether reaching the limit refuses calls.</summary>
    public bool HardLimit { get; set; }

    /// <summary>Whether the budget is active.</summary>
    public bool Enabled { get; set; }

    /// <summary>Created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Last changed.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A budget's counters for one period (calendar) or one hour bucket (rolling) in <c>costing_budget_usage</c>.</summary>
public sealed class BudgetUsageEntity
{
    /// <summary>Id.</summary>
    public Guid Id { get; set; }

    /// <summary>Budget.</summary>
    public Guid BudgetId { get; set; }

    /// <summary>Whose counters: the user id for role budgets (each holder of the role has its own), "" otherwise.</summary>
    public string Subject { get; set; } = "";

    /// <summary>Period start (UTC).</summary>
    public DateTimeOffset PeriodStart { get; set; }

    /// <summary>Period end (UTC, exclusive).</summary>
    public DateTimeOffset PeriodEnd { get; set; }

    /// <summary>Settled spend in nano-dollars.</summary>
    public long SpentCostNanos { get; set; }

    /// <summary>Settled tokens.</summary>
    public long SpentTokens { get; set; }

    /// <summary>Reserved (in-flight) nano-dollars.</summary>
    public long ReservedCostNanos { get; set; }

    /// <summary>Reserved (in-flight) tokens.</summary>
    public long ReservedTokens { get; set; }

    /// <summary>Nano-dollars held by instances' budget leases (<c>costing_budget_leases</c>): headroom taken in slices, not yet spent or returned.</summary>
    public long LeasedCostNanos { get; set; }

    /// <summary>Tokens held by instances' budget leases.</summary>
    public long LeasedTokens { get; set; }

    /// <summary>Bit i set when threshold i (in the budget's list) was raised in this period.</summary>
    public int ThresholdsRaised { get; set; }
}

/// <summary>One in-flight reservation against one budget period in <c>costing_reservations</c>.</summary>
public sealed class ReservationEntity
{
    /// <summary>Id of this row.</summary>
    public Guid Id { get; set; }

    /// <summary>The reservation (one per call, spanning every applicable budget).</summary>
    public Guid ReservationId { get; set; }

    /// <summary>Budget.</summary>
    public Guid BudgetId { get; set; }

    /// <summary>The period row's subject.</summary>
    public string Subject { get; set; } = "";

    /// <summary>The period row's start.</summary>
    public DateTimeOffset PeriodStart { get; set; }

    /// <summary>Reserved nano-dollars.</summary>
    public long CostNanos { get; set; }

    /// <summary>Reserved tokens.</summary>
    public long Tokens { get; set; }

    /// <summary>Created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the reclaimer may return it (the call crashed).</summary>
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>
/// A slice of one budget period's headroom held by one instance in <c>costing_budget_leases</c>: the instance admits calls against it in
/// memory and writes their spend in batches. The sum of a period row's leases is its <see cref="BudgetUsageEntity.LeasedCostNanos"/>; a lease
/// past <see cref="ExpiresAt"/> (its instance stopped renewing it: crashed) is returned by the reclaimer.
/// </summary>
public sealed class BudgetLeaseEntity
{
    /// <summary>Id.</summary>
    public Guid Id { get; set; }

    /// <summary>Budget.</summary>
    public Guid BudgetId { get; set; }

    /// <summary>The period row's subject.</summary>
    public string Subject { get; set; } = "";

    /// <summary>The period row's start.</summary>
    public DateTimeOffset PeriodStart { get; set; }

    /// <summary>The instance holding it (random per process start).</summary>
    public string Holder { get; set; } = "";

    /// <summary>Nano-dollars held.</summary>
    public long CostNanos { get; set; }

    /// <summary>Tokens held.</summary>
    public long Tokens { get; set; }

    /// <summary>Created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the reclaimer may return it, unless its holder renews it first.</summary>
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>
/// A price in <c>costing_prices</c>: a global row (<see cref="TenantId"/> <see langword="null"/>, set by a platform operator; overrides
/// configuration and the shipped catalog for every tenant) or a tenant's override (applies to that tenant only).
/// </summary>
public sealed class PriceEntity
{
    /// <summary>Id.</summary>
    public Guid Id { get; set; }

    /// <summary>The tenant whose override this is (<c>""</c> is the default tenant); <see langword="null"/> for a global price.</summary>
    public string? TenantId { get; set; }

    /// <summary>Provider (lower-case).</summary>
    public string Provider { get; set; } = "";

    /// <summary>Model (lower-case).</summary>
    public string Model { get; set; } = "";

    /// <summary>When the price takes effect.</summary>
    public DateTimeOffset EffectiveFrom { get; set; }

    /// <summary>USD per 1M uncached input tokens.</summary>
    public decimal InputPerMillion { get; set; }

    /// <summary>USD per 1M output tokens.</summary>
    public decimal OutputPerMillion { get; set; }

    /// <summary>USD per 1M cache-read tokens.</summary>
    public decimal? CachedInputPerMillion { get; set; }

    /// <summary>USD per 1M 5-minute cache-write tokens.</summary>
    public decimal? CacheWrite5mPerMillion { get; set; }

    /// <summary>USD per 1M 1-hour cache-write tokens.</summary>
    public decimal? CacheWrite1hPerMillion { get; set; }

    /// <summary>USD per 1M reasoning tokens, when priced apart.</summary>
    public decimal? ReasoningPerMillion { get; set; }

    /// <summary>Created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Who set it.</summary>
    public string? CreatedBy { get; set; }
}
