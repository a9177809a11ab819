using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Foundation.Audit.Diagnostics;

/// <summary>The <see cref="Meter"/> and <see cref="ActivitySource"/> of Foundation.Audit, both named <c>Foundation.Audit</c>.</summary>
public sealed class AuditTelemetry : IDisposable
{
    /// <summary>The meter and activity source name.</summary>
    public const string Name = "Foundation.Audit";

    private readonly Meter _meter;
    private readonly Counter<long> _written;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _writeFailures;
    private readonly Counter<long> _checkpoints;

    /// <summary>Creates the instruments, through <paramref name="meterFactory"/> when given.</summary>
    public AuditTelemetry(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(Name) ?? new Meter(Name);
        _written = _meter.CreateCounter<long>("foundation.audit.events.written", "{event}", "Audit events appended to the chain.");
        _dropped = _meter.CreateCounter<long>("foundation.audit.events.dropped", "{event}", "Audit events lost: the buffer was full, or shutdown could not flush them.");
        _writeFailures = _meter.CreateCounter<long>("foundation.audit.write.failures", "{batch}", "Batches whose append failed and is retried.");
        _checkpoints = _meter.CreateCounter<long>("foundation.audit.checkpoints", "{checkpoint}", "Signed checkpoints written.");
    }

    /// <summary>The activity source (spans around appends and verification).</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    internal Meter Meter => _meter;

    internal void RecordWritten(long count) => _written.Add(count);

    internal void RecordDropped(long count) => _dropped.Add(count);

    internal void RecordWriteFailure() => _writeFailures.Add(1);

    internal void RecordCheckpoint() => _checkpoints.Add(1);

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
