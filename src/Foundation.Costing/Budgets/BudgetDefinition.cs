using System.Globalization;

namespace Foundation.Costing.Budgets;

/// <summary>Whom a budget applies to, inside its tenant.</summary>
public enum BudgetScope
{
    /// <summary>Every call of the tenant.</summary>
    Tenant = 0,

    /// <summary>Calls of one team (<c>ICurrentCaller.TeamId</c>).</summary>
    Team = 1,

    /// <summary>Calls of one user.</summary>
    User = 2,

    /// <summary>Calls made with one API key (<c>ICurrentCaller.ApiKeyId</c>).</summary>
    ApiKey = 3,

    /// <summary>Each user holding the role, separately ("member: $20 a month" means $20 for each member).</summary>
    Role = 4,
}

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

/// <summary>
/// A hard budget limit refused the call before any provider was called. Hosting answers 402 with the budget, its limit, the spent amount and
/// the reset time.
/// </summary>
public sealed class BudgetExceededException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BudgetExceededException(Guid budgetId, string budgetName, BudgetScope scope, decimal? limitUsd, long? limitTokens, decimal spentUsd, long spentTokens,
        decimal requestedUsd, long requestedTokens, DateTimeOffset resetsAt)
        : base(BuildMessage(budgetName, scope, limitUsd, limitTokens, spentUsd, spentTokens, requestedUsd, requestedTokens, resetsAt))
    {
        BudgetId = budgetId;
        BudgetName = budgetName;
        Scope = scope;
        LimitUsd = limitUsd;
        LimitTokens = limitTokens;
        SpentUsd = spentUsd;
        SpentTokens = spentTokens;
        RequestedUsd = requestedUsd;
        RequestedTokens = requestedTokens;
        ResetsAt = resetsAt;
    }

    /// <summary>Creates the exception.</summary>
    public BudgetExceededException()
        : base("A budget limit refused the call.")
    {
        BudgetName = "";
    }

    /// <summary>Creates the exception.</summary>
    public BudgetExceededException(string message)
        : base(message)
    {
        BudgetName = "";
    }

    /// <summary>Creates the exception.</summary>
    public BudgetExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
        BudgetName = "";
    }

    /// <summary>The budget.</summary>
    public Guid BudgetId { get; }

    /// <summary>Its name.</summary>
    public string BudgetName { get; }

    /// <summary>Its scope.</summary>
    public BudgetScope Scope { get; }

    /// <summary>The money limit.</summary>
    public decimal? LimitUsd { get; }

    /// <summary>The token limit.</summary>
    public long? LimitTokens { get; }

    /// <summary>Spent (settled plus in-flight reservations) in the period.</summary>
    public decimal SpentUsd { get; }

    /// <summary>Tokens spent (settled plus in-flight) in the period.</summary>
    public long SpentTokens { get; }

    /// <summary>The worst case the refused call needed.</summary>
    public decimal RequestedUsd { get; }

    /// <summary>The tokens the refused call needed at most.</summary>
    public long RequestedTokens { get; }

    /// <summary>When the period resets.</summary>
    public DateTimeOffset ResetsAt { get; }

    private static string BuildMessage(string name, BudgetScope scope, decimal? limitUsd, long? limitTokens, decimal spentUsd, long spentTokens,
        decimal requestedUsd, long requestedTokens, DateTimeOffset resetsAt)
    {
        var limit = (limitUsd, limitTokens) switch
        {
            ({ } usd, { } tokens) => string.Create(CultureInfo.InvariantCulture, $"${usd:0.00####} or {tokens} tokens"),
            ({ } usd, null) => string.Create(CultureInfo.InvariantCulture, $"${usd:0.00####}"),
            (null, { } tokens) => string.Create(CultureInfo.InvariantCulture, $"{tokens} tokens"),
            _ => "its limit",
        };
        return string.Create(CultureInfo.InvariantCulture,
            $"The {scope.ToString().ToLowerInvariant()} budget '{name}' does not allow this call: ${spentUsd:0.00####} and {spentTokens} tokens of {limit} are spent or reserved this period, and the call may need up to ${requestedUsd:0.00####} and {requestedTokens} tokens. It resets at {resetsAt:yyyy-MM-ddTHH:mm:ssZ}.");
    }
}

/// <summary>A name given to a budget is already used in the tenant (HTTP 409).</summary>
public sealed class BudgetConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BudgetConflictException()
        : base("A budget with this name already exists in the tenant.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public BudgetConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public BudgetConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

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

/// <summary>A host's hook for budget events (send an e-mail, call a webhook). Every registered handler is called; a failing one is logged and skipped.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "The hook's published name; it handles budget events, it is not a .NET event delegate.")]
public interface IBudgetEventHandler
{
    /// <summary>Handles <paramref name="budgetEvent"/>.</summary>
    ValueTask HandleAsync(BudgetEvent budgetEvent, CancellationToken cancellationToken);
}
