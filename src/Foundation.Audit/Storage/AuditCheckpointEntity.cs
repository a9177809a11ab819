namespace Foundation.Audit.Storage;

/// <summary>One row of <c>audit_checkpoints</c>: a signed statement "tenant T's chain had hash H at sequence S".</summary>
public sealed class AuditCheckpointEntity
{
    /// <summary>Time-ordered id.</summary>
    public Guid Id { get; set; }

    /// <summary>The tenant.</summary>
    public string TenantId { get; set; } = "";

    /// <summary>The sequence number covered.</summary>
    public long Seq { get; set; }

    /// <summary>The chain's hash at <see cref="Seq"/>.</summary>
    public string Hash { get; set; } = "";

    /// <summary>When it was signed.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary><c>regular</c>, or <c>seal</c> for the checkpoint written at a retention cut.</summary>
    public string Kind { get; set; } = "regular";

    /// <summary>The id of the signing key.</summary>
    public string KeyId { get; set; } = "";

    /// <summary>HMAC-SHA256 of the checkpoint's canonical form, lower-case hex.</summary>
    public string Signature { get; set; } = "";
}
