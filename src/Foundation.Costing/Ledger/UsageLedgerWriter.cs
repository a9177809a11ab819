using System.Threading.Channels;
using Foundation.Costing.Diagnostics;
using Foundation.Costing.Internal;
using Foundation.Costing.Metering;
using Foundation.Costing.Storage;
using Foundation.Internal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Foundation.Costing.Ledger;

/// <summary>
/// The ledger's <see cref="IUsageRecordSink"/>: records go into a bounded in-memory channel (no call waits on the database) that
/// <see cref="UsageLedgerBackgroundService"/> drains in batches (one INSERT transaction per batch). While the database is down the batch in
/// hand is retried with exponential backoff and new records keep queueing up to <see cref="LedgerOptions.Capacity"/>; only beyond that is a
/// record dropped, counted by <c>foundation.costing.ledger.dropped</c>.
/// </summary>
public sealed class UsageLedgerWriter : IUsageRecordSink
{
    private readonly Channel<UsageRecord> _channel;
    private readonly CostingTelemetry _telemetry;
    private long _accepted;
    private long _written;
    private long _dropped;

    /// <summary>Creates the writer.</summary>
    public UsageLedgerWriter(IOptions<CostingOptions> options, CostingTelemetry telemetry)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(telemetry);
        _telemetry = telemetry;
        _channel = Channel.CreateBounded<UsageRecord>(new BoundedChannelOptions(options.Value.Ledger.Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of silently dropping an old record
            SingleReader = true,
            SingleWriter = false,
        });
    }

    /// <summary>Records accepted into the buffer so far.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Records written to the database so far.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Records dropped so far (buffer full, or shutdown could not flush them).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Records waiting in the buffer.</summary>
    public int Pending => _channel.Reader.Count;

    internal ChannelReader<UsageRecord> Reader => _channel.Reader;

    /// <inheritdoc />
    public bool TryRecord(UsageRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_channel.Writer.TryWrite(record))
        {
            Interlocked.Increment(ref _accepted);
            return true;
        }

        MarkDropped(1);
        return false;
    }

    /// <summary>Waits until every record accepted before the call is written (or dropped). For tests and orderly shutdowns.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var target = Accepted;
        while (Written + Dropped < target)
        {
            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }
    }

    internal void Complete() => _channel.Writer.TryComplete();

    internal void MarkWritten(int count) => Interlocked.Add(ref _written, count);

    internal void MarkDropped(long count)
    {
        Interlocked.Add(ref _dropped, count);
        _telemetry.RecordDropped(count);
    }

    internal static LedgerEntry ToEntry(UsageRecord r) => new()
    {
        Id = r.Id,
        OccurredAt = r.OccurredAt,
        HourBucket = r.OccurredAt.ToUnixTimeSeconds() / 3600,
        TenantId = Truncate(r.TenantId, CostingColumnLengths.TenantId)!,
        UserId = Truncate(r.UserId, CostingColumnLengths.UserId),
        ApiKeyId = Truncate(r.ApiKeyId, CostingColumnLengths.ApiKeyId),
        TeamId = Truncate(r.TeamId, CostingColumnLengths.TeamId),
        Roles = r.Roles.Count == 0 ? null : Truncate(string.Join(' ', r.Roles), CostingColumnLengths.Roles),
        Provider = Truncate(r.Provider, CostingColumnLengths.Provider)!,
        Model = Truncate(r.Model, CostingColumnLengths.Model)!,
        Deployment = Truncate(r.Deployment, CostingColumnLengths.Deployment),
        InputTokens = r.Usage.InputTokens,
        CachedInputTokens = r.Usage.CachedInputTokens,
        CacheWriteInputTokens = r.Usage.CacheWriteInputTokens,
        OutputTokens = r.Usage.OutputTokens,
        ReasoningTokens = r.Usage.ReasoningTokens,
        TotalTokens = r.Usage.TotalTokens,
        CostNanos = r.Cost is { } c ? Money.ToNanos(c) : null,
        LatencyMs = r.Latency.TotalMilliseconds,
        TimeToFirstTokenMs = r.TimeToFirstToken?.TotalMilliseconds,
        Status = r.Status,
        ErrorType = Truncate(r.ErrorType, CostingColumnLengths.ErrorType),
        RequestId = Truncate(r.RequestId, CostingColumnLengths.RequestId),
        Estimated = r.IsEstimated,
        Streaming = r.Streaming,
    };

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}

/// <summary>Drains <see cref="UsageLedgerWriter"/> into <c>costing_ledger</c> in batches; on shutdown flushes what is buffered.</summary>
internal sealed partial class UsageLedgerBackgroundService : BackgroundService
{
    private readonly UsageLedgerWriter _writer;
    private readonly IServiceScopeFactory _scopes;
    private readonly IOptions<CostingOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _shutdownDeadline = new();
    private int _draining;
    private volatile bool _disposed;

    public UsageLedgerBackgroundService(UsageLedgerWriter writer, IServiceScopeFactory scopes, IOptions<CostingOptions> options, TimeProvider time,
        ILogger<UsageLedgerBackgroundService> logger)
    {
        _writer = writer;
        _scopes = scopes;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // A host disposed before it was stopped (a test factory disposing a derived host twice) stops a disposed service:
        // its drain already ended with the container, there is nothing left to do.
        if (_disposed)
        {
            return;
        }

        // Stop accepting, then let ExecuteAsync drain the channel; give up (counting drops) only after ShutdownFlushSeconds.
        _writer.Complete();
        _shutdownDeadline.CancelAfter(TimeSpan.FromSeconds(_options.Value.Ledger.ShutdownFlushSeconds));
        await base.StopAsync(CancellationToken.None).ConfigureAwait(false);

        // BackgroundService starts ExecuteAsync through Task.Run with the stopping token: a host stopped right after it
        // started may never run it. Drain here then, so a quick start/stop still loses nothing.
        await DrainOnceAsync().ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _disposed = true;
        _shutdownDeadline.Dispose();
        base.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => DrainOnceAsync();

    private Task DrainOnceAsync() =>
        Interlocked.Exchange(ref _draining, 1) == 0 ? DrainAsync() : Task.CompletedTask;

    private async Task DrainAsync()
    {
        var batchSize = _options.Value.Ledger.BatchSize;
        var window = TimeSpan.FromMilliseconds(_options.Value.Ledger.CommitIntervalMilliseconds);
        var batch = new List<UsageRecord>(batchSize);
        var reader = _writer.Reader;
        var lastCommit = 0L;
        try
        {
            // The loop ends when the channel is completed (StopAsync) and empty: shutdown drains instead of abandoning the buffer.
            while (await reader.WaitToReadAsync(_shutdownDeadline.Token).ConfigureAwait(false))
            {
                // Group commit: under load, one transaction per CommitIntervalMilliseconds carries what arrived meanwhile, instead of a commit
                // (a WAL fsync on SQLite) per handful of records. A record after a quiet spell is written at once. Wall-clock time on purpose:
                // this paces the disk, it is not a business time (a test clock must not hold records back).
                var since = lastCommit == 0 ? window : System.Diagnostics.Stopwatch.GetElapsedTime(lastCommit);
                if (since < window && reader.Count < batchSize && !reader.Completion.IsCompleted)
                {
                    await Task.Delay(window - since, _shutdownDeadline.Token).ConfigureAwait(false);
                }

                while (batch.Count < batchSize && reader.TryRead(out var record))
                {
                    batch.Add(record);
                }

                await WriteWithRetryAsync(batch, _shutdownDeadline.Token).ConfigureAwait(false);
                batch.Clear();
                lastCommit = System.Diagnostics.Stopwatch.GetTimestamp();
            }
        }
        catch (OperationCanceledException) when (_shutdownDeadline.IsCancellationRequested)
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

    private async Task WriteWithRetryAsync(List<UsageRecord> batch, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        var maxDelay = TimeSpan.FromSeconds(_options.Value.Ledger.MaxRetryDelaySeconds);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await UsageLedgerStore.InsertAsync(_scopes, batch, skipExisting: attempt > 1, cancellationToken).ConfigureAwait(false);
                _writer.MarkWritten(batch.Count);
                if (attempt > 1)
                {
                    LogRecovered(_logger, attempt);
                }

                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogWriteFailed(_logger, ex, batch.Count, attempt, delay.TotalMilliseconds, _writer.Pending);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(maxDelay.Ticks, delay.Ticks * 2));
            }
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Writing {Count} usage records failed (attempt {Attempt}); retrying in {DelayMs} ms with {Pending} more buffered.")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int count, int attempt, double delayMs, int pending);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "The usage ledger is writing again after {Attempt} attempts.")]
    private static partial void LogRecovered(ILogger logger, int attempt);

    [LoggerMessage(EventId = 22, Level = LogLevel.Error, Message = "Shutdown could not flush {Count} usage records in time; they are lost (counted in foundation.costing.ledger.dropped).")]
    private static partial void LogShutdownDrop(ILogger logger, long count);
}

/// <summary>
/// Inserts ledger batches in one transaction through <see cref="BatchInsert"/> (SQLite: one prepared single-row INSERT re-executed per
/// record; PostgreSQL: INSERT ... SELECT FROM unnest of one array parameter per column), values bound as the model stores them (SQLite: UTC ticks, upper-case GUID
/// text). A retried batch first skips the ids already stored, so a failure after the commit (a lost acknowledgement) never
/// duplicates or blocks a record.
/// </summary>
internal static class UsageLedgerStore
{
    private static readonly string[] Columns =
    [
        "id", "occurred_at", "hour_bucket", "tenant_id", "user_id", "api_key_id", "team_id", "roles", "provider", "model", "deployment",
        "input_tokens", "cached_input_tokens", "cache_write_input_tokens", "output_tokens", "reasoning_tokens", "total_tokens", "cost_nanos",
        "latency_ms", "ttft_ms", "status", "error_type", "request_id", "estimated", "streaming",
    ];

    private static readonly Action<UsageRecord, object?[], bool> Fill = static (record, v, sqlite) =>
    {
        var e = UsageLedgerWriter.ToEntry(record);
        v[0] = sqlite ? e.Id.ToString().ToUpperInvariant() : e.Id;
        v[1] = sqlite ? e.OccurredAt.UtcTicks : e.OccurredAt.ToUniversalTime();
        v[2] = e.HourBucket;
        v[3] = e.TenantId;
        v[4] = e.UserId;
        v[5] = e.ApiKeyId;
        v[6] = e.TeamId;
        v[7] = e.Roles;
        v[8] = e.Provider;
        v[9] = e.Model;
        v[10] = e.Deployment;
        v[11] = e.InputTokens;
        v[12] = e.CachedInputTokens;
        v[13] = e.CacheWriteInputTokens;
        v[14] = e.OutputTokens;
        v[15] = e.ReasoningTokens;
        v[16] = e.TotalTokens;
        v[17] = e.CostNanos;
        v[18] = e.LatencyMs;
        v[19] = e.TimeToFirstTokenMs;
        v[20] = (int)e.Status;
        v[21] = e.ErrorType;
        v[22] = e.RequestId;
        v[23] = e.Estimated;
        v[24] = e.Streaming;
    };

    public static async Task InsertAsync(IServiceScopeFactory scopes, IReadOnlyList<UsageRecord> batch, bool skipExisting, CancellationToken cancellationToken)
    {
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = scope.ServiceProvider.GetRequiredService<CostingDbContext>();
            await InsertAsync(db, batch, skipExisting, cancellationToken).ConfigureAwait(false);
        }
    }

    public static async Task InsertAsync(CostingDbContext db, IReadOnlyList<UsageRecord> batch, bool skipExisting, CancellationToken cancellationToken)
    {
        IReadOnlyList<UsageRecord> rows = batch;
        if (skipExisting)
        {
            var ids = batch.Select(r => r.Id).ToList();
            var existing = new HashSet<Guid>(await db.Ledger.AsNoTracking().Where(e => ids.Contains(e.Id)).Select(e => e.Id).ToListAsync(cancellationToken).ConfigureAwait(false));
            rows = [.. batch.Where(r => !existing.Contains(r.Id))];
        }

        if (rows.Count == 0)
        {
            return;
        }

        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var tx = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                await BatchInsert.RunAsync(
                    db.Database.GetDbConnection(),
                    Microsoft.EntityFrameworkCore.Storage.DbContextTransactionExtensions.GetDbTransaction(tx),
                    db.IsSqlite,
                    "costing_ledger",
                    Columns,
                    rows,
                    Fill,
                    cancellationToken).ConfigureAwait(false);
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }
}
