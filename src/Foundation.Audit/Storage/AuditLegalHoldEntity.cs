namespace Foundation.Audit.Storage;

/// <summary>One row of <c>audit_legal_holds</c>: while it exists, nothing of the tenant's audit log is purged.</summary>
public sealed class AuditLegalHoldEntity
{
    /// <summary>The tenant.</summary>
    public string TenantId { get; set; } = "";

    /// <summary>Why (a case number, a regulator's request).</summary>
    public string Reason { get; set; } = "";

    /// <summary>Who placed it.</summary>
    public string? PlacedBy { get; set; }

    /// <summary>When it was placed.</summary>
    public DateTimeOffset PlacedAt { get; set; }
}
