using Foundation.Audit.Verification;

namespace Foundation.Audit.Http;

/// <summary>The body of <c>GET /api/v1/audit/verify</c>.</summary>
/// <param name="TenantId">The tenant checked ("" for events outside any tenant).</param>
/// <param name="Valid">Whether the chain verifies.</param>
/// <param name="EventsVerified">Events checked before the first break (all when valid).</param>
/// <param name="FirstSeq">The first sequence number checked.</param>
/// <param name="LastSeq">The last sequence number checked.</param>
/// <param name="LastHash">The chain's hash at <paramref name="LastSeq"/>.</param>
/// <param name="CheckpointsVerified">Checkpoints checked.</param>
/// <param name="LatestCheckpoint">The newest signed checkpoint; keep it outside the application to detect a rewrite later.</param>
/// <param name="Break">The first break, or <see langword="null"/>.</param>
public sealed record AuditVerifyResponse(string TenantId, bool Valid, long EventsVerified, long FirstSeq, long LastSeq, string LastHash, int CheckpointsVerified,
    AuditCheckpointInfo? LatestCheckpoint, AuditBreakResponse? Break)
{
    internal static AuditVerifyResponse From(AuditVerificationResult r) => new(r.TenantId, r.IsValid, r.EventsVerified, r.FirstSeq, r.LastSeq, r.LastHash,
        r.CheckpointsVerified, r.LatestCheckpoint, r.Break is { } b ? new AuditBreakResponse(KindName(b.Kind), b.Seq, b.EventId, b.Message) : null);

    internal static string KindName(AuditBreakKind kind) => kind switch
    {
        AuditBreakKind.Modified => "modified",
        AuditBreakKind.Deleted => "deleted",
        AuditBreakKind.Inserted => "inserted",
        AuditBreakKind.Reordered => "reordered",
        AuditBreakKind.Truncated => "truncated",
        _ => "checkpoint_invalid",
    };
}

/// <summary>Where and how a chain broke.</summary>
/// <param name="Kind"><c>modified</c>, <c>deleted</c>, <c>inserted</c>, <c>reordered</c>, <c>truncated</c> or <c>checkpoint_invalid</c>.</param>
/// <param name="Seq">The sequence number where it broke.</param>
/// <param name="EventId">The event named, if one exists.</param>
/// <param name="Message">What was found.</param>
public sealed record AuditBreakResponse(string Kind, long Seq, Guid? EventId, string Message);
