namespace Foundation.Audit.Storage;

/// <summary>One row of <c>audit_signing_keys</c>: a generated checkpoint key, encrypted with the host's <c>ISecretProtector</c>.</summary>
public sealed class AuditSigningKeyEntity
{
    /// <summary>The key id.</summary>
    public string KeyId { get; set; } = "";

    /// <summary>The key, protected for the purpose <c>Foundation.Audit.SigningKey</c>.</summary>
    public string ProtectedKey { get; set; } = "";

    /// <summary>When it was created; the newest key signs.</summary>
    public DateTimeOffset CreatedAt { get; set; }
}
