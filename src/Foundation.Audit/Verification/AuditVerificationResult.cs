namespace Foundation.Audit.Verification;

/// <summary>The outcome of <see cref="AuditVerifier.VerifyAsync"/>.</summary>
/// <param name="TenantId">The tenant whose chain was checked ("" for events outside any tenant).</param>
/// <param name="IsValid">Whether no break was found.</param>
/// <param name="EventsVerified">Events whose hash and link were checked before the first break (all of them when valid).</param>
/// <param name="FirstSeq">The first sequence number checked (1, or the one after a retention seal).</param>
/// <param name="LastSeq">The last sequence number checked.</param>
/// <param name="LastHash">The hash at <paramref name="LastSeq"/>.</param>
/// <param name="CheckpointsVerified">Checkpoints whose signature and hash were checked.</param>
/// <param name="LatestCheckpoint">The newest checkpoint, to keep outside the database (like CloudTrail digests).</param>
/// <param name="Break">The first break, or <see langword="null"/>.</param>
public sealed record AuditVerificationResult(string TenantId, bool IsValid, long EventsVerified, long FirstSeq, long LastSeq, string LastHash,
    int CheckpointsVerified, AuditCheckpointInfo? LatestCheckpoint, AuditChainBreak? Break);
