namespace Foundation.Audit.Storage;

/// <summary>One row of <c>audit_chain_heads</c>: the end of a tenant's chain. Locked while appending, so appends serialise per tenant.</summary>
public sealed class AuditChainHeadEntity
{
    /// <summary>The tenant.</summary>
    public string TenantId { get; set; } = "";

    /// <summary>The last sequence number appended.</summary>
    public long LastSeq { get; set; }

    /// <summary>The last hash appended.</summary>
    public string LastHash { get; set; } = "";

    /// <summary>The sequence number of the last checkpoint (0 when none).</summary>
    public long CheckpointSeq { get; set; }

    /// <summary>When the last checkpoint was written (or the head created).</summary>
    public DateTimeOffset CheckpointAt { get; set; }
}
