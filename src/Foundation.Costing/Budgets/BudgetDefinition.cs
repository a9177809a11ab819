namespace Foundation.Costing.Budgets;

/// <summary>A budget as an administrator writes it (the body of <c>POST/PUT /api/v1/budgets</c>).</summary>
public sealed class BudgetDefinition
{
    /// <summary>A name unique in the tenant, 1-128 characters.</summary>
    public string? Name { get; set; }

    /// <summary><c>tenant</c>, <c>team</c>, <c>user</c>, <c>apikey</c> or <c>role</c>.</summary>
    public string? Scope { get; set; }

    /// <summary>The team id, user id, API key id or role name; empty for <c>tenant</c>.</summary>
    public string? ScopeValue { get; set; }

    /// <summary><c>day</c>, <c>week</c>, <c>month</c> or <c>rolling</c>.</summary>
    public string? Period { get; set; }

    /// <summary>The window of a rolling budget in hours (1-8784).</summary>
    public int? RollingHours { get; set; }

    /// <summary>The money limit in USD (0-1,000,000,000).</summary>
    public decimal? LimitUsd { get; set; }

    /// <summary>The token limit (0-10^15).</summary>
    public long? LimitTokens { get; set; }

    /// <summary>Soft thresholds in percent (1-1000); default 50, 80, 100.</summary>
    public IReadOnlyList<int>? Thresholds { get; set; }

    /// <summary>Whether reaching the limit refuses calls (default true); a soft budget only raises events.</summary>
    public bool? HardLimit { get; set; }

    /// <summary>Whether the budget is active (default true).</summary>
    public bool? Enabled { get; set; }
}
