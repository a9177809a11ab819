namespace Foundation.Audit.Storage;

/// <summary>Column lengths of the audit tables (values longer than these are cut before hashing, so the stored row is what was hashed).</summary>
internal static class AuditColumnLengths
{
    public const int TenantId = 128;
    public const int ActorType = 16;
    public const int ActorId = 128;
    public const int Action = 128;
    public const int TargetType = 64;
    public const int TargetId = 256;
    public const int Outcome = 16;
    public const int Severity = 16;
    public const int ClientIp = 64;
    public const int UserAgent = 512;
    public const int RequestId = 128;
    public const int Hash = 64;
    public const int KeyId = 64;
    public const int Kind = 16;
    public const int Signature = 64;
    public const int ProtectedKey = 1024;
    public const int Reason = 512;

    // Stored widths of the columns that hold personal fields encrypted (enc1:<key id>:<base64>): the plaintext is cut to the lengths
    // above first, then encrypted, so the ciphertext of the longest value fits.
    public const int ActorIdStored = 1024;
    public const int ClientIpStored = 1024;
    public const int UserAgentStored = 4096;
    public const int Purpose = 64;
    public const int ConsentVersion = 32;
}

/// <summary>One row of <c>audit_events</c>: an event and its link in the tenant's hash chain.</summary>
public sealed class AuditEventEntity
{
    /// <summary>Time-ordered id (UUID v7).</summary>
    public Guid Id { get; set; }

    /// <summary>The tenant; empty for events outside any tenant.</summary>
    public string TenantId { get; set; } = "";

    /// <summary>Position in the tenant's chain, from 1, without gaps.</summary>
    public long Seq { get; set; }

    /// <summary>When it happened (microsecond precision, UTC).</summary>
    public DateTimeOffset OccurredAt { get; set; }

    /// <summary><c>user</c>, <c>api_key</c> or <c>system</c>.</summary>
    public string ActorType { get; set; } = "system";

    /// <summary>The acting user's id.</summary>
    public string? ActorUserId { get; set; }

    /// <summary>The id of the API key used.</summary>
    public string? ActorApiKeyId { get; set; }

    /// <summary>The namespaced action, such as <c>auth.login.failed</c>.</summary>
    public string Action { get; set; } = "";

    /// <summary>The kind of thing acted on.</summary>
    public string? TargetType { get; set; }

    /// <summary>The id of the thing acted on.</summary>
    public string? TargetId { get; set; }

    /// <summary><c>success</c>, <c>failure</c> or <c>denied</c>.</summary>
    public string Outcome { get; set; } = "success";

    /// <summary><c>information</c>, <c>warning</c> or <c>critical</c>.</summary>
    public string Severity { get; set; } = "information";

    /// <summary>The client's address.</summary>
    public string? ClientIp { get; set; }

    /// <summary>The client's User-Agent.</summary>
    public string? UserAgent { get; set; }

    /// <summary>The correlation id of the request.</summary>
    public string? RequestId { get; set; }

    /// <summary>Details as a JSON object (size-capped), exactly the text that was hashed.</summary>
    public string? Details { get; set; }

    /// <summary>The previous event's hash (64 zeros for the first event), lower-case hex.</summary>
    public string PrevHash { get; set; } = "";

    /// <summary>SHA-256 of the canonical form, lower-case hex.</summary>
    public string Hash { get; set; } = "";

    /// <summary>
    /// The personal fields in clear, kept aside until the appender encrypts them with the subject's data key (each attempt of a retried
    /// batch encrypts afresh from these). Not stored.
    /// </summary>
    internal Writing.AuditPersonalFields? Personal { get; set; }
}

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
