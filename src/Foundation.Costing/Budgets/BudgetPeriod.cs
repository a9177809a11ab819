namespace Foundation.Costing.Budgets;

/// <summary>The period a budget's counters cover.</summary>
public enum BudgetPeriod
{
    /// <summary>A calendar day in the configured time zone.</summary>
    Day = 0,

    /// <summary>A calendar week (Monday to Sunday, ISO 8601) in the configured time zone.</summary>
    Week = 1,

    /// <summary>A calendar month in the configured time zone.</summary>
    Month = 2,

    /// <summary>The last N hours, counted in whole UTC hours.</summary>
    Rolling = 3,
}
