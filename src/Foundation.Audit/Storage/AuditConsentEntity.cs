namespace Foundation.Audit.Storage;

/// <summary>One row of <c>audit_consents</c>: a person granted or withdrew consent to a purpose, in a version of its text.</summary>
public sealed class AuditConsentEntity
{
    /// <summary>Time-ordered id.</summary>
    public Guid Id { get; set; }

    /// <summary>The tenant.</summary>
    public string TenantId { get; set; } = "";

    /// <summary>The person.</summary>
    public string UserId { get; set; } = "";

    /// <summary>The purpose (<c>marketing.email</c>).</summary>
    public string Purpose { get; set; } = "";

    /// <summary>The version of the text the person saw.</summary>
    public string Version { get; set; } = "";

    /// <summary>Granted (true) or withdrawn (false).</summary>
    public bool Granted { get; set; }

    /// <summary>When.</summary>
    public DateTimeOffset RecordedAt { get; set; }
}
