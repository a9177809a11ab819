namespace Foundation.Audit.Query;

/// <summary>A page of events, newest first.</summary>
/// <param name="Items">The events.</param>
/// <param name="NextPageToken">Pass it as <c>pageToken</c> for the next (older) page; <see langword="null"/> on the last page.</param>
public sealed record AuditPage(IReadOnlyList<AuditRecord> Items, string? NextPageToken);
