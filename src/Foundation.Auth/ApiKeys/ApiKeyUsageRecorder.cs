using System.Collections.Concurrent;
using Foundation.Auth.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.ApiKeys;

/// <summary>
/// Counts API-key uses in memory and writes them to <c>auth_api_keys</c> in the background, so accepting a key costs
/// no database write. Per key it keeps the number of uses and the latest use time (lock-free: two interlocked
/// operations per use); every <see cref="ApiKeyOptions.UsageFlushInterval"/> (default 5 s) it writes one
/// <c>UPDATE ... SET use_count = use_count + n, last_used_at = greatest(last_used_at, t)</c> per key that was used,
/// all in one transaction.
/// </summary>
/// <remarks>
/// <para>
/// Increments, not assignments: any number of instances flushing their own counts are all summed. Until a flush,
/// <see cref="ApiKeyInfo.UseCount"/> and <see cref="ApiKeyInfo.LastUsedAt"/> lag by up to one interval; call
/// <see cref="FlushAsync"/> to write now (tests, or a host that wants the numbers current).
/// </para>
/// <para>
/// A failed flush (the database unavailable or locked) keeps its counts in memory for the next round and logs a
/// warning. What is held is one small counter per key that was used (only accepted keys are counted, so it is
/// bounded by the keys that exist); counts of a key deleted in the meantime are dropped by the update matching no
/// row. On host shutdown <see cref="StopAsync"/> flushes what is left, so a graceful stop loses nothing; a crash
/// loses at most one interval of counts (never an authentication decision).
/// </para>
/// </remarks>
public sealed partial class ApiKeyUsageRecorder : BackgroundService
{
    // A counter whose count was swapped to this is out of the dictionary: a use that finds it retries with a new one.
    private const long Retired = long.MinValue / 2;

    private readonly ConcurrentDictionary<Guid, Counter> _counters = new();
    private readonly SemaphoreSlim _flushLock = new(1, 1);
    private readonly IServiceScopeFactory _scopeFactory;
    private readonly TimeProvider _timeProvider;
    private readonly IOptions<AuthOptions> _options;
    private readonly ILogger<ApiKeyUsageRecorder> _logger;

    /// <summary>Creates the recorder.</summary>
    public ApiKeyUsageRecorder(IServiceScopeFactory scopeFactory, TimeProvider timeProvider, IOptions<AuthOptions> options, ILogger<ApiKeyUsageRecorder> logger)
    {
        ArgumentNullException.ThrowIfNull(scopeFactory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _scopeFactory = scopeFactory;
        _timeProvider = timeProvider;
        _options = options;
        _logger = logger;
    }

    /// <summary>The uses counted in memory and not yet written (on this instance).</summary>
    public long PendingUses
    {
        get
        {
            long total = 0;
            foreach (var pair in _counters)
            {
                var count = Volatile.Read(ref pair.Value.Count);
                if (count > 0)
                {
                    total += count;
                }
            }

            return total;
        }
    }

    /// <summary>Counts one use of the key with record id <paramref name="apiKeyId"/> at <paramref name="usedAt"/>. Never blocks.</summary>
    public void Record(Guid apiKeyId, DateTimeOffset usedAt) => Add(apiKeyId, 1, usedAt.UtcTicks);

    /// <summary>
    /// Writes the uses counted so far, one increment per key, in one transaction (with the provider's execution
    /// strategy). On failure the counts go back into memory for the next flush, a warning is logged and the exception
    /// is rethrown. Flushes never overlap.
    /// </summary>
    /// <returns>How many keys were updated.</returns>
    public async Task<int> FlushAsync(CancellationToken cancellationToken = default)
    {
        await _flushLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var batch = TakeAll();
            if (batch.Count == 0)
            {
                return 0;
            }

            try
            {
                await WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                return batch.Count;
            }
            catch (Exception ex)
            {
                long uses = 0;
                foreach (var (id, count, lastTicks) in batch)
                {
                    Add(id, count, lastTicks);
                    uses += count;
                }

                LogFlushFailed(_logger, uses, batch.Count, ex);
                throw;
            }
        }
        finally
        {
            _flushLock.Release();
        }
    }

    /// <summary>Stops the periodic flush, then writes what is left.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Logged by FlushAsync; nothing more can be done while stopping.
        }
    }

    /// <summary>Disposes the flush lock.</summary>
    public override void Dispose()
    {
        base.Dispose();
        _flushLock.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        bool hasStore;
        using (var scope = _scopeFactory.CreateScope())
        {
            hasStore = AuthStoreServices.HasStore(scope.ServiceProvider);
        }

        if (!hasStore)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.Value.ApiKeys.UsageFlushInterval, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await FlushAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // Logged by FlushAsync; the counts wait for the next tick.
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync flushes what is left.
        }
    }

    private void Add(Guid apiKeyId, long count, long lastTicks)
    {
        while (true)
        {
            var counter = _counters.GetOrAdd(apiKeyId, static _ => new Counter());

            // The time first: a flush that takes this use's count then also sees its time.
            var last = Volatile.Read(ref counter.LastTicks);
            while (lastTicks > last)
            {
                var seen = Interlocked.CompareExchange(ref counter.LastTicks, lastTicks, last);
                if (seen == last)
                {
                    break;
                }

                last = seen;
            }

            if (Interlocked.Add(ref counter.Count, count) > 0)
            {
                return;
            }

            // Retired by a flush that found it idle: make sure it is gone and count on a fresh one.
            _counters.TryRemove(KeyValuePair.Create(apiKeyId, counter));
        }
    }

    private List<(Guid Id, long Count, long LastTicks)> TakeAll()
    {
        var batch = new List<(Guid, long, long)>();
        foreach (var pair in _counters)
        {
            var counter = pair.Value;
            var taken = Volatile.Read(ref counter.Count);
            while (taken > 0)
            {
                var seen = Interlocked.CompareExchange(ref counter.Count, 0, taken);
                if (seen == taken)
                {
                    break;
                }

                taken = seen;
            }

            if (taken > 0)
            {
                batch.Add((pair.Key, taken, Volatile.Read(ref counter.LastTicks)));
            }
            else if (taken < 0 || Interlocked.CompareExchange(ref counter.Count, Retired, 0) == 0)
            {
                // Idle since the last flush (or already retired): drop it; its next use makes a new one.
                _counters.TryRemove(pair);
            }
        }

        return batch;
    }

    private async Task WriteAsync(List<(Guid Id, long Count, long LastTicks)> batch, CancellationToken cancellationToken)
    {
        var scope = _scopeFactory.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = AuthStoreServices.GetDbContext(scope.ServiceProvider);
            var strategy = db.Database.CreateExecutionStrategy();
            await strategy.ExecuteAsync(async ct =>
            {
                var transaction = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    foreach (var (id, count, lastTicks) in batch)
                    {
                        // PostgreSQL keeps microseconds: round down so the stored value is what a later comparison sees.
                        DateTimeOffset? at = new DateTimeOffset(lastTicks - (lastTicks % 10), TimeSpan.Zero);
                        await db.ApiKeys.Where(k => k.Id == id)
                            .ExecuteUpdateAsync(
                                s => s.SetProperty(k => k.UseCount, k => k.UseCount + count)
                                      .SetProperty(k => k.LastUsedAt, k => k.LastUsedAt == null || k.LastUsedAt < at ? at : k.LastUsedAt),
                                ct)
                            .ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(ct).ConfigureAwait(false);
                }
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Writing API-key usage failed; {Uses} uses of {Keys} keys are kept in memory for the next flush")]
    private static partial void LogFlushFailed(ILogger logger, long uses, int keys, Exception exception);

    private sealed class Counter
    {
        public long Count;
        public long LastTicks;
    }
}
