using System.Threading.Channels;
using Foundation.Audit.Diagnostics;
using Foundation.Audit.Storage;
using Foundation.Auditing;
using Foundation.Callers;
using Microsoft.Extensions.Options;

namespace Foundation.Audit.Writing;

/// <summary>
/// The durable <see cref="IAuditEventWriter"/>: an event is stamped (UUID v7 id, time from the <see cref="TimeProvider"/>), cut to its columns
/// and put into a bounded in-memory channel; no caller waits on the database. A background service appends the channel to the hash chains
/// in batches. While the database is down events stay buffered up to <see cref="AuditOptions.Capacity"/> and the batch in hand is retried;
/// only beyond the capacity is an event dropped, counted by <c>foundation.audit.events.dropped</c>.
/// </summary>
public sealed class DurableAuditEventWriter : IAuditEventWriter
{
    private readonly Channel<AuditEventEntity> _channel;
    private readonly AuditTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<AuditOptions> _options;
    private readonly ICurrentCaller _caller;
    private long _accepted;
    private long _written;
    private long _dropped;

    /// <summary>Creates the writer.</summary>
    public DurableAuditEventWriter(IOptionsMonitor<AuditOptions> options, AuditTelemetry telemetry, TimeProvider time, ICurrentCaller caller)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(telemetry);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(caller);
        _options = options;
        _telemetry = telemetry;
        _time = time;
        _caller = caller;
        _channel = Channel.CreateBounded<AuditEventEntity>(new BoundedChannelOptions(options.CurrentValue.Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of silently dropping an older event
            SingleReader = true,
            SingleWriter = false,
        });
    }

    /// <summary>Events accepted into the buffer so far.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Events appended to the chain so far.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Events dropped so far (buffer full, or shutdown could not flush them).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events waiting in the buffer.</summary>
    public int Pending => _channel.Reader.Count;

    internal ChannelReader<AuditEventEntity> Reader => _channel.Reader;

    /// <inheritdoc />
    public ValueTask WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        if (auditEvent.RequestId is null && _caller.RequestId is { } requestId)
        {
            auditEvent = auditEvent with { RequestId = requestId };
        }

        var entity = AuditEventMapper.ToEntity(auditEvent, _time.GetUtcNow(), _options.CurrentValue.MaxDetailsBytes);
        if (_channel.Writer.TryWrite(entity))
        {
            Interlocked.Increment(ref _accepted);
        }
        else
        {
            MarkDropped(1);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Waits until every event accepted before the call is appended (or dropped). For tests, exports and orderly shutdowns.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var target = Accepted;
        while (Written + Dropped < target)
        {
            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }
    }

    internal void Complete() => _channel.Writer.TryComplete();

    internal void MarkWritten(int count)
    {
        Interlocked.Add(ref _written, count);
        _telemetry.RecordWritten(count);
    }

    internal void MarkDropped(long count)
    {
        Interlocked.Add(ref _dropped, count);
        _telemetry.RecordDropped(count);
    }
}
