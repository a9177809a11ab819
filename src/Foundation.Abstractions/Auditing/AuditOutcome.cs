namespace Foundation.Auditing;

/// <summary>How an audited action ended.</summary>
public enum AuditOutcome
{
    /// <summary>The action was carried out.</summary>
    Success = 0,

    /// <summary>The action was attempted and failed (a wrong password, an invalid code).</summary>
    Failure = 1,

    /// <summary>The action was refused by a rule (a lockout, a budget, a policy).</summary>
    Denied = 2,
}
