namespace Foundation.Audit.Verification;

/// <summary>The first break found in a chain.</summary>
/// <param name="Kind">How it broke.</param>
/// <param name="Seq">The sequence number where it broke (for <see cref="AuditBreakKind.Deleted"/> and <see cref="AuditBreakKind.Truncated"/>, the first missing one).</param>
/// <param name="EventId">The event named, when one exists (the modified, inserted or moved event; for a deletion the event after the gap).</param>
/// <param name="Message">What was found, for a person.</param>
public sealed record AuditChainBreak(AuditBreakKind Kind, long Seq, Guid? EventId, string Message);
