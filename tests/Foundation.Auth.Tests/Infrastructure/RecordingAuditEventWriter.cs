using System.Collections.Concurrent;
using Foundation.Auditing;

namespace Foundation.Auth.Tests.Infrastructure;

public sealed class RecordingAuditEventWriter : IAuditEventWriter
{
    public ConcurrentQueue<AuditEvent> Events { get; } = new();

    public ValueTask WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        Events.Enqueue(auditEvent);
        return ValueTask.CompletedTask;
    }
}
