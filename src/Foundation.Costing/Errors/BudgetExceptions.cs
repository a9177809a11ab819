using System.Globalization;

namespace Foundation.Costing.Budgets;

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
