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
