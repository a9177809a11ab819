namespace Foundation.Costing.Budgets;

/// <summary>What happened to a budget.</summary>
public enum BudgetEventKind
{
    /// <summary>Settled spend crossed a soft threshold (raised once per threshold per period).</summary>
    ThresholdReached = 0,

    /// <summary>A hard limit refused a call (raised to handlers once per period; audited every time).</summary>
    LimitRefused = 1,
}

/// <summary>A budget event, for <see cref="IBudgetEventHandler"/>s and the audit log.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="BudgetId">Budget.</param>
/// <param name="BudgetName">Name.</param>
/// <param name="TenantId">Tenant.</param>
/// <param name="Scope">Scope.</param>
/// <param name="ScopeValue">Scope id or role.</param>
/// <param name="ThresholdPercent">The threshold crossed (for <see cref="BudgetEventKind.ThresholdReached"/>).</param>
/// <param name="LimitUsd">Money limit.</param>
/// <param name="LimitTokens">Token limit.</param>
/// <param name="SpentUsd">Spent in the period.</param>
/// <param name="SpentTokens">Tokens in the period.</param>
/// <param name="PeriodStart">Period start.</param>
/// <param name="ResetsAt">Period end.</param>
/// <param name="OccurredAt">When.</param>
/// <param name="UserId">The caller whose call caused it.</param>
public sealed record BudgetEvent(
    BudgetEventKind Kind, Guid BudgetId, string BudgetName, string TenantId, BudgetScope Scope, string? ScopeValue, int? ThresholdPercent,
    decimal? LimitUsd, long? LimitTokens, decimal SpentUsd, long SpentTokens, DateTimeOffset PeriodStart, DateTimeOffset ResetsAt, DateTimeOffset OccurredAt, string? UserId);
