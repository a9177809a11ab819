namespace Foundation.Costing.Budgets;

/// <summary>A budget and its current period.</summary>
/// <param name="Id">Id.</param>
/// <param name="TenantId">Tenant.</param>
/// <param name="Name">Name.</param>
/// <param name="Scope">Scope kind (lower-case).</param>
/// <param name="ScopeValue">Scope id or role.</param>
/// <param name="Period">Period (lower-case).</param>
/// <param name="RollingHours">Rolling window.</param>
/// <param name="LimitUsd">Money limit.</param>
/// <param name="LimitTokens">Token limit.</param>
/// <param name="Thresholds">Thresholds in percent.</param>
/// <param name="HardLimit">Whether it refuses.</param>
/// <param name="Enabled">Whether active.</param>
/// <param name="CreatedAt">Created.</param>
/// <param name="UpdatedAt">Changed.</param>
/// <param name="Current">The current period's counters (summed over every holder for role budgets).</param>
public sealed record BudgetView(
    Guid Id, string TenantId, string Name, string Scope, string? ScopeValue, string Period, int? RollingHours, decimal? LimitUsd, long? LimitTokens,
    IReadOnlyList<int> Thresholds, bool HardLimit, bool Enabled, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, BudgetUtilisation Current);

/// <summary>A budget's counters for its current period.</summary>
/// <param name="PeriodStart">Start (UTC).</param>
/// <param name="ResetsAt">When the period ends (for rolling budgets: when the oldest counted hour leaves the window).</param>
/// <param name="SpentUsd">Settled spend.</param>
/// <param name="SpentTokens">Settled tokens.</param>
/// <param name="ReservedUsd">In-flight reservations.</param>
/// <param name="ReservedTokens">In-flight tokens.</param>
/// <param name="Utilisation">Spent / limit (the larger of money and tokens), 1.0 = 100 %.</param>
public sealed record BudgetUtilisation(DateTimeOffset PeriodStart, DateTimeOffset ResetsAt, decimal SpentUsd, long SpentTokens, decimal ReservedUsd, long ReservedTokens, double Utilisation);
