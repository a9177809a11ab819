namespace Foundation.Audit.Storage;

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
