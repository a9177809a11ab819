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
        var batch = new List<UsageRecord>(batchSize);
        var reader = _writer.Reader;
        try
        {
            // The loop ends when the channel is completed (StopAsync) and empty: shutdown drains instead of abandoning the buffer.
            while (await reader.WaitToReadAsync(_shutdownDeadline.Token).ConfigureAwait(false))
            {
                while (batch.Count < batchSize && reader.TryRead(out var record))
                {
                    batch.Add(record);
                }

                await WriteWithRetryAsync(batch, _shutdownDeadline.Token).ConfigureAwait(false);
                batch.Clear();
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
/// Inserts ledger batches in one transaction with multi-row parameterised INSERTs (39 rows per statement on SQLite, 400 on PostgreSQL), the same SQL on SQLite
/// and PostgreSQL; values are bound as the model stores them (SQLite: UTC ticks, upper-case GUID text). A retried batch first skips the ids
/// already stored, so a failure after the commit (a lost acknowledgement) never duplicates or blocks a record.
/// </summary>
internal static class UsageLedgerStore
{
    // SQLite builds may cap a statement at 999 parameters (25 columns -> 39 rows); PostgreSQL takes 65,535.
    private const int SqliteRowsPerStatement = 39;
    private const int PostgresRowsPerStatement = 400;

    private static readonly string[] Columns =
    [
        "id", "occurred_at", "hour_bucket", "tenant_id", "user_id", "api_key_id", "team_id", "roles", "provider", "model", "deployment",
        "input_tokens", "cached_input_tokens", "cache_write_input_tokens", "output_tokens", "reasoning_tokens", "total_tokens", "cost_nanos",
        "latency_ms", "ttft_ms", "status", "error_type", "request_id", "estimated", "streaming",
    ];

    private static readonly string SqliteStatement = BuildSql(SqliteRowsPerStatement);
    private static readonly string PostgresStatement = BuildSql(PostgresRowsPerStatement);

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

        var sqlite = db.IsSqlite;
        var rowsPerStatement = sqlite ? SqliteRowsPerStatement : PostgresRowsPerStatement;
        var fullStatement = sqlite ? SqliteStatement : PostgresStatement;
        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var tx = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (tx.ConfigureAwait(false))
            {
                var connection = db.Database.GetDbConnection();
                var dbTransaction = Microsoft.EntityFrameworkCore.Storage.DbContextTransactionExtensions.GetDbTransaction(tx);
                for (var offset = 0; offset < rows.Count; offset += rowsPerStatement)
                {
                    var count = Math.Min(rowsPerStatement, rows.Count - offset);
                    var command = UncachedCommands.Create(connection);
                    await using (command.ConfigureAwait(false))
                    {
#pragma warning disable CA2100 // built from this class's constant column list; every value is a parameter
                        command.CommandText = count == rowsPerStatement ? fullStatement : BuildSql(count);
#pragma warning restore CA2100
                        command.Transaction = dbTransaction;
                        var p = 0;
                        for (var i = 0; i < count; i++)
                        {
                            var e = UsageLedgerWriter.ToEntry(rows[offset + i]);
                            Add(command, ref p, sqlite ? e.Id.ToString().ToUpperInvariant() : e.Id);
                            Add(command, ref p, sqlite ? e.OccurredAt.UtcTicks : e.OccurredAt.ToUniversalTime());
                            Add(command, ref p, e.HourBucket);
                            Add(command, ref p, e.TenantId);
                            Add(command, ref p, e.UserId);
                            Add(command, ref p, e.ApiKeyId);
                            Add(command, ref p, e.TeamId);
                            Add(command, ref p, e.Roles);
                            Add(command, ref p, e.Provider);
                            Add(command, ref p, e.Model);
                            Add(command, ref p, e.Deployment);
                            Add(command, ref p, e.InputTokens);
                            Add(command, ref p, e.CachedInputTokens);
                            Add(command, ref p, e.CacheWriteInputTokens);
                            Add(command, ref p, e.OutputTokens);
                            Add(command, ref p, e.ReasoningTokens);
                            Add(command, ref p, e.TotalTokens);
                            Add(command, ref p, e.CostNanos);
                            Add(command, ref p, e.LatencyMs);
                            Add(command, ref p, e.TimeToFirstTokenMs);
                            Add(command, ref p, (int)e.Status);
                            Add(command, ref p, e.ErrorType);
                            Add(command, ref p, e.RequestId);
                            Add(command, ref p, e.Estimated);
                            Add(command, ref p, e.Streaming);
                        }

                        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    private static void Add(System.Data.Common.DbCommand command, ref int index, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@p" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        index++;
    }

    private static string BuildSql(int rows)
    {
        var sql = new System.Text.StringBuilder("INSERT INTO costing_ledger (").AppendJoin(", ", Columns).Append(") VALUES ");
        var p = 0;
        for (var r = 0; r < rows; r++)
        {
            sql.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < Columns.Length; c++)
            {
                sql.Append(c == 0 ? "@p" : ", @p").Append(p++);
            }

            sql.Append(')');
        }

        return sql.ToString();
    }
}
