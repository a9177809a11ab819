namespace Foundation.Audit.Verification;

/// <summary>How a tenant's chain is broken.</summary>
public enum AuditBreakKind
{
    /// <summary>An event's content no longer matches its hash, or an event was rewritten together with its hash.</summary>
    Modified = 0,

    /// <summary>Events are missing from the middle of the chain (a gap in the sequence that the next event's link confirms).</summary>
    Deleted = 1,

    /// <summary>An event that was never appended by the writer sits in the chain.</summary>
    Inserted = 2,

    /// <summary>An event was moved: its link names an event that now comes after it.</summary>
    Reordered = 3,

    /// <summary>The tail of the chain is gone: a signed checkpoint (or the chain head) covers events that no longer exist.</summary>
    Truncated = 4,

    /// <summary>A checkpoint's signature does not verify (forged, altered, or signed with a key this application does not have).</summary>
    CheckpointInvalid = 5,
}

/// <summary>The first break found in a chain.</summary>
/// <param name="Kind">How it broke.</param>
/// <param name="Seq">The sequence number where it broke (for <see cref="AuditBreakKind.Deleted"/> and <see cref="AuditBreakKind.Truncated"/>, the first missing one).</param>
/// <param name="EventId">The event named, when one exists (the modified, inserted or moved event; for a deletion the event after the gap).</param>
/// <param name="Message">What was found, for a person.</param>
public sealed record AuditChainBreak(AuditBreakKind Kind, long Seq, Guid? EventId, string Message);

/// <summary>A signed checkpoint as the verifier saw it.</summary>
/// <param name="Seq">The sequence number covered.</param>
/// <param name="Hash">The chain hash at that sequence number.</param>
/// <param name="CreatedAt">When it was signed.</param>
/// <param name="Kind"><c>regular</c> or <c>seal</c>.</param>
/// <param name="KeyId">The signing key's id.</param>
/// <param name="Signature">HMAC-SHA256, lower-case hex.</param>
public sealed record AuditCheckpointInfo(long Seq, string Hash, DateTimeOffset CreatedAt, string Kind, string KeyId, string Signature);

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
