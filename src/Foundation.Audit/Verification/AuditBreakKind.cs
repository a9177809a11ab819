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
