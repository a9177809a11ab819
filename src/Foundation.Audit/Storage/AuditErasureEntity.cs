namespace Foundation.Audit.Storage;

/// <summary>One row of <c>audit_gdpr_erasures</c>: an erasure requested for a user of a tenant, and when it completed.</summary>
public sealed class AuditErasureEntity
{
    /// <summary>The tenant.</summary>
    public string TenantId { get; set; } = "";

    /// <summary>The erased user.</summary>
    public string UserId { get; set; } = "";

    /// <summary>Who asked (first request).</summary>
    public string? RequestedBy { get; set; }

    /// <summary>When it was first requested.</summary>
    public DateTimeOffset RequestedAt { get; set; }

    /// <summary>When every provider had erased (null while a provider still failed).</summary>
    public DateTimeOffset? CompletedAt { get; set; }
}
