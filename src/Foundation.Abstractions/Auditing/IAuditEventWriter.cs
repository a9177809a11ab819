namespace Foundation.Auditing;

/// <summary>
/// Records <see cref="AuditEvent"/>s. The default writes them to the log
/// (<see cref="LoggingAuditEventWriter"/>); Foundation.Audit replaces it with a tamper-evident store.
/// </summary>
public interface IAuditEventWriter
{
    /// <summary>Records <paramref name="auditEvent"/>.</summary>
    /// <param name="auditEvent">The event to record.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    ValueTask WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default);
}
