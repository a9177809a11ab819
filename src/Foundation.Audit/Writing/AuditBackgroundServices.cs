using Foundation.Audit.Chain;
using Foundation.Audit.Diagnostics;
using Foundation.Audit.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Foundation.Audit.Writing;

/// <summary>Drains <see cref="DurableAuditEventWriter"/> into the chains in batches; on shutdown flushes what is buffered.</summary>
internal sealed partial class AuditWriterBackgroundService : BackgroundService
{
    private readonly DurableAuditEventWriter _writer;
    private readonly AuditAppender _appender;
    private readonly IServiceScopeFactory _scopes;
    private readonly IOptionsMonitor<AuditOptions> _options;
    private readonly TimeProvider _time;
    private readonly AuditTelemetry _telemetry;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _shutdownDeadline = new();
    private int _draining;
    private int _disposed;

    public AuditWriterBackgroundService(DurableAuditEventWriter writer, AuditAppender appender, IServiceScopeFactory scopes, IOptionsMonitor<AuditOptions> options,
        TimeProvider time, AuditTelemetry telemetry, ILogger<AuditWriterBackgroundService> logger)
    {
        _writer = writer;
        _appender = appender;
        _scopes = scopes;
        _options = options;
        _time = time;
        _telemetry = telemetry;
        _logger = logger;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stop accepting, let ExecuteAsync drain the channel; give up (counting drops) only after ShutdownFlushSeconds.
        _writer.Complete();
        if (Volatile.Read(ref _disposed) != 0)
        {
            return; // a host disposed before (or while) stopping: its container, and with it the database, is gone
        }

        _shutdownDeadline.CancelAfter(TimeSpan.FromSeconds(_options.CurrentValue.ShutdownFlushSeconds));
        await base.StopAsync(CancellationToken.None).ConfigureAwait(false);

        // A host stopped right after it started may never have run ExecuteAsync: drain here then.
        await DrainOnceAsync().ConfigureAwait(false);
    }

    public override void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _shutdownDeadline.Cancel();
            _shutdownDeadline.Dispose();
        }

        base.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => DrainOnceAsync();

    private Task DrainOnceAsync() => Interlocked.Exchange(ref _draining, 1) == 0 ? DrainAsync() : Task.CompletedTask;

    private async Task DrainAsync()
    {
        var batchSize = _options.CurrentValue.BatchSize;
        var batch = new List<AuditEventEntity>(batchSize);
        var reader = _writer.Reader;
        var deadline = _shutdownDeadline.Token; // captured once: it stays usable after Dispose (which cancels it first)
        try
        {
            while (await reader.WaitToReadAsync(deadline).ConfigureAwait(false))
            {
                while (batch.Count < batchSize && reader.TryRead(out var e))
                {
                    batch.Add(e);
                }

                await AppendWithRetryAsync(batch, deadline).ConfigureAwait(false);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            var lost = batch.Count;
            while (reader.TryRead(out _))
            {
                lost++;
            }

            _writer.MarkDropped(lost);
            LogShutdownDrop(_logger, lost);
        }
    }

    private async Task AppendWithRetryAsync(List<AuditEventEntity> batch, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        var maxDelay = TimeSpan.FromSeconds(_options.CurrentValue.MaxRetryDelaySeconds);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var scope = _scopes.CreateAsyncScope();
                await using (scope.ConfigureAwait(false))
                {
                    var db = scope.ServiceProvider.GetRequiredService<AuditDbContext>();
                    await _appender.AppendAsync(db, batch, skipExisting: attempt > 1, cancellationToken).ConfigureAwait(false);
                }

                _writer.MarkWritten(batch.Count);
                if (attempt > 1)
                {
                    LogRecovered(_logger, attempt);
                }

                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _telemetry.RecordWriteFailure();
                LogWriteFailed(_logger, ex, batch.Count, attempt, delay.TotalMilliseconds, _writer.Pending);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(maxDelay.Ticks, delay.Ticks * 2));
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Appending {Count} audit events failed (attempt {Attempt}); retrying in {DelayMs} ms with {Pending} more buffered.")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int count, int attempt, double delayMs, int pending);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "The audit log is writing again after {Attempt} attempts.")]
    private static partial void LogRecovered(ILogger logger, int attempt);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Shutdown could not flush {Count} audit events in time; they are lost (counted in foundation.audit.events.dropped).")]
    private static partial void LogShutdownDrop(ILogger logger, long count);
}

/// <summary>Signs a checkpoint for tenants whose newest events are older than <see cref="AuditCheckpointOptions.EverySeconds"/>, so a quiet tail is covered too.</summary>
internal sealed partial class AuditCheckpointService : BackgroundService
{
    private readonly AuditAppender _appender;
    private readonly IServiceScopeFactory _scopes;
    private readonly IOptionsMonitor<AuditOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public AuditCheckpointService(AuditAppender appender, IServiceScopeFactory scopes, IOptionsMonitor<AuditOptions> options, TimeProvider time,
        ILogger<AuditCheckpointService> logger)
    {
        _appender = appender;
        _scopes = scopes;
        _options = options;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(_options.CurrentValue.Checkpoints.EverySeconds), _time, stoppingToken).ConfigureAwait(false);
                var scope = _scopes.CreateAsyncScope();
                await using (scope.ConfigureAwait(false))
                {
                    await _appender.CheckpointIdleTenantsAsync(scope.ServiceProvider.GetRequiredService<AuditDbContext>(), stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // keep checkpointing after a database hiccup
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogFailed(_logger, ex);
            }
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "Writing time-based audit checkpoints failed; retrying at the next interval.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

/// <summary>Purges due events of every tenant every <see cref="AuditRetentionOptions.IntervalMinutes"/>, when some retention is configured.</summary>
internal sealed partial class AuditRetentionBackgroundService : BackgroundService
{
    private readonly IServiceScopeFactory _scopes;
    private readonly IOptionsMonitor<AuditOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public AuditRetentionBackgroundService(IServiceScopeFactory scopes, IOptionsMonitor<AuditOptions> options, TimeProvider time,
        ILogger<AuditRetentionBackgroundService> logger)
    {
        _scopes = scopes;
        _options = options;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMinutes(_options.CurrentValue.Retention.IntervalMinutes), _time, stoppingToken).ConfigureAwait(false);
                if (!_options.CurrentValue.Retention.Enabled)
                {
                    continue;
                }

                var scope = _scopes.CreateAsyncScope();
                await using (scope.ConfigureAwait(false))
                {
                    var purged = await scope.ServiceProvider.GetRequiredService<Retention.AuditRetentionService>().PurgeAllAsync(stoppingToken).ConfigureAwait(false);
                    foreach (var p in purged)
                    {
                        LogPurged(_logger, p.EventsDeleted, p.TenantId, p.SealedThroughSeq ?? 0);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // keep purging after a database hiccup
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogFailed(_logger, ex);
            }
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Purged {Count} audit events of tenant '{TenantId}' (sealed through #{Seq}).")]
    private static partial void LogPurged(ILogger logger, long count, string tenantId, long seq);

    [LoggerMessage(EventId = 21, Level = LogLevel.Error, Message = "Purging audit events failed; retrying at the next interval.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
