namespace Foundation.Audit.Verification;

/// <summary>A signed checkpoint as the verifier saw it.</summary>
/// <param name="Seq">The sequence number covered.</param>
/// <param name="Hash">The chain hash at that sequence number.</param>
/// <param name="CreatedAt">When it was signed.</param>
/// <param name="Kind"><c>regular</c> or <c>seal</c>.</param>
/// <param name="KeyId">The signing key's id.</param>
/// <param name="Signature">HMAC-SHA256, lower-case hex.</param>
public sealed record AuditCheckpointInfo(long Seq, string Hash, DateTimeOffset CreatedAt, string Kind, string KeyId, string Signature);
