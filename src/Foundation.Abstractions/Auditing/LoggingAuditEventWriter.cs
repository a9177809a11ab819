using Microsoft.Extensions.Logging;

namespace Foundation.Auditing;

/// <summary>
/// The default <see cref="IAuditEventWriter"/>: one structured log entry per event under the
/// category <c>Foundation.Audit</c>. It proves nothing about tampering; use Foundation.Audit for that.
/// </summary>
public sealed partial class LoggingAuditEventWriter : IAuditEventWriter
{
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the writer.</summary>
    public LoggingAuditEventWriter(ILoggerFactory loggerFactory, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _logger = loggerFactory.CreateLogger("Foundation.Audit");
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public ValueTask WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        var at = auditEvent.OccurredAt ?? _timeProvider.GetUtcNow();
        var level = auditEvent.Outcome == AuditOutcome.Success ? LogLevel.Information : LogLevel.Warning;
        Log(_logger, level, auditEvent.Action, auditEvent.Outcome, at, auditEvent.ActorUserId, auditEvent.TenantId,
            auditEvent.TargetType, auditEvent.TargetId, auditEvent.RequestId, auditEvent.IpAddress, auditEvent.Data);
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 1, Message = "Audit {AuditAction} {AuditOutcome} at {OccurredAt:O} actor={ActorUserId} tenant={TenantId} target={TargetType}/{TargetId} request={RequestId} ip={IpAddress} data={AuditData}")]
    private static partial void Log(ILogger logger, LogLevel level, string auditAction, AuditOutcome auditOutcome, DateTimeOffset occurredAt,
        string? actorUserId, string? tenantId, string? targetType, string? targetId, string? requestId, string? ipAddress,
        IReadOnlyDictionary<string, string?> auditData);
}
