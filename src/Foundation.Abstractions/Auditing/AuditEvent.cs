namespace Foundation.Auditing;

/// <summary>
/// Something that happened and that an auditor may ask about later: a login, a failed second factor,
/// a budget refusal, a data export. Packages write these through <see cref="IAuditEventWriter"/>.
/// </summary>
public sealed record AuditEvent
{
    /// <summary>Creates an event of <paramref name="action"/> with <paramref name="outcome"/>.</summary>
    /// <param name="action">A dotted, lower-case name such as <c>auth.login</c> or <c>totp.disabled</c>.</param>
    /// <param name="outcome">Whether the action succeeded, failed or was denied.</param>
    /// <exception cref="ArgumentException"><paramref name="action"/> is empty or white space.</exception>
    public AuditEvent(string action, AuditOutcome outcome)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        Action = action;
        Outcome = outcome;
    }

    /// <summary>A dotted, lower-case name such as <c>auth.login</c> or <c>totp.disabled</c>.</summary>
    public string Action { get; }

    /// <summary>Whether the action succeeded, failed or was denied.</summary>
    public AuditOutcome Outcome { get; }

    /// <summary>When it happened; <see langword="null"/> lets the writer stamp it from its <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset? OccurredAt { get; init; }

    /// <summary>The user who acted, if known.</summary>
    public string? ActorUserId { get; init; }

    /// <summary>The tenant the action happened in, if any.</summary>
    public string? TenantId { get; init; }

    /// <summary>The kind of thing acted on, such as <c>user</c> or <c>session</c>.</summary>
    public string? TargetType { get; init; }

    /// <summary>The id of the thing acted on.</summary>
    public string? TargetId { get; init; }

    /// <summary>The request that caused it, for correlation with logs and traces.</summary>
    public string? RequestId { get; init; }

    /// <summary>The client address the request came from, if known.</summary>
    public string? IpAddress { get; init; }

    /// <summary>
    /// What kind of actor acted; <see langword="null"/> lets the writer infer it (an API key when <see cref="ActorApiKeyId"/> is set,
    /// a user when <see cref="ActorUserId"/> is set, otherwise the system).
    /// </summary>
    public AuditActorType? ActorType { get; init; }

    /// <summary>The id (never the secret) of the API key the actor authenticated with, if any.</summary>
    public string? ActorApiKeyId { get; init; }

    /// <summary>The client's User-Agent, if known.</summary>
    public string? UserAgent { get; init; }

    /// <summary>How much the event matters; <see langword="null"/> lets the writer derive it from <see cref="Outcome"/>.</summary>
    public AuditSeverity? Severity { get; init; }

    /// <summary>
    /// Extra facts, as short strings. Never put secrets, passwords or tokens here.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Data { get; init; } = EmptyData;

    private static readonly IReadOnlyDictionary<string, string?> EmptyData = new Dictionary<string, string?>(0, StringComparer.Ordinal);
}
