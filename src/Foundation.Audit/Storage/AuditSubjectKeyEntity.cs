namespace Foundation.Audit.Storage;

/// <summary>
/// One row of <c>audit_subject_keys</c>: the data key that encrypts one person's personal fields in one tenant's audit events
/// (crypto-shredding), protected with the host's <c>ISecretProtector</c>. Erasing the person deletes the row; their fields stay in the
/// chain as ciphertext nobody can read, and the chain still verifies.
/// </summary>
public sealed class AuditSubjectKeyEntity
{
    /// <summary>The key id (named in every value it encrypted: <c>enc1:&lt;id&gt;:...</c>).</summary>
    public Guid Id { get; set; }

    /// <summary>The tenant.</summary>
    public string TenantId { get; set; } = "";

    /// <summary>The person (user id).</summary>
    public string SubjectId { get; set; } = "";

    /// <summary>The 256-bit AES-GCM key, protected for the purpose <c>Foundation.Audit.SubjectKey</c>.</summary>
    public string ProtectedKey { get; set; } = "";

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }
}
