namespace Foundation.Auditing;

/// <summary>How much an <see cref="AuditEvent"/> matters to a security reviewer.</summary>
public enum AuditSeverity
{
    /// <summary>Routine: a login, a change made by an administrator.</summary>
    Information = 0,

    /// <summary>Worth a look: a failed login, a refusal.</summary>
    Warning = 1,

    /// <summary>Needs attention now: refresh-token reuse, a lockout, a second factor disabled.</summary>
    Critical = 2,
}
