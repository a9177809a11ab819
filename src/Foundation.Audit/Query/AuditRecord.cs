namespace Foundation.Audit.Query;

/// <summary>
/// One stored audit event, as the API shows it. The JSON Lines export shows every field as the canonical form hashes it (see
/// docs/audit.md), encrypted personal fields as their ciphertext; pages of <c>GET /events</c> show them decrypted.
/// </summary>
/// <param name="Id">Time-ordered id.</param>
/// <param name="TenantId">The tenant ("" for none).</param>
/// <param name="Seq">Position in the tenant's chain.</param>
/// <param name="OccurredAt">When it happened (UTC, microseconds).</param>
/// <param name="ActorType"><c>user</c>, <c>api_key</c> or <c>system</c>.</param>
/// <param name="ActorUserId">The acting user.</param>
/// <param name="ActorApiKeyId">The API key used.</param>
/// <param name="Action">The namespaced action.</param>
/// <param name="TargetType">The kind of target.</param>
/// <param name="TargetId">The target's id.</param>
/// <param name="Outcome"><c>success</c>, <c>failure</c> or <c>denied</c>.</param>
/// <param name="Severity"><c>information</c>, <c>warning</c> or <c>critical</c>.</param>
/// <param name="ClientIp">The client's address.</param>
/// <param name="UserAgent">The client's User-Agent.</param>
/// <param name="RequestId">The request's correlation id.</param>
/// <param name="Details">The details as JSON text, exactly as hashed (parse it to read the values).</param>
/// <param name="PrevHash">The previous event's hash.</param>
/// <param name="Hash">This event's hash.</param>
public sealed record AuditRecord(Guid Id, string TenantId, long Seq, DateTimeOffset OccurredAt, string ActorType, string? ActorUserId, string? ActorApiKeyId,
    string Action, string? TargetType, string? TargetId, string Outcome, string Severity, string? ClientIp, string? UserAgent, string? RequestId,
    string? Details, string PrevHash, string Hash)
{
    /// <summary>
    /// True when a personal field of this event is encrypted under a key that no longer exists (its person was erased): the field is then
    /// <see langword="null"/> here. Set on pages of <c>GET /events</c>; the JSON Lines export shows stored values (ciphertext) as hashed.
    /// </summary>
    public bool PersonalDataErased { get; init; }
}
