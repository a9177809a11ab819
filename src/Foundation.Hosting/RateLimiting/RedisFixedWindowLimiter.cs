using System.Threading.RateLimiting;
using Foundation.Hosting.Internal;
using Foundation.Hosting.Redis;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Foundation.Hosting.RateLimiting;

/// <summary>
/// The state the shared limiters of one host have in common: the Redis connection and whether they are falling back, so the
/// switch to per-instance counting is logged once per outage (not once per request) and the return once.
/// </summary>
internal sealed partial class SharedRateLimits(RedisConnection redis, ILogger<SharedRateLimits> logger)
{
    private int _fallingBack;

    public RedisConnection Redis => redis;

    /// <summary>Whether rate limits are counted in Redis (it is configured).</summary>
    public bool Enabled => redis.IsConfigured;

    public void FellBack(string group, Exception? exception)
    {
        HostingTelemetry.RateLimitFallbacks.Add(1, new KeyValuePair<string, object?>("group", group));
        if (Interlocked.Exchange(ref _fallingBack, 1) == 0)
        {
            LogFallingBack(logger, exception);
        }
    }

    public void Counted()
    {
        if (Volatile.Read(ref _fallingBack) == 1 && Interlocked.Exchange(ref _fallingBack, 0) == 1)
        {
            LogRecovered(logger);
        }
    }

    [LoggerMessage(EventId = 9121, Level = LogLevel.Warning,
        Message = "Redis is unreachable: rate limits are counted per instance until it answers again (each instance admits the full limit). Metric foundation_hosting_rate_limit_fallbacks_total counts the requests.")]
    private static partial void LogFallingBack(ILogger logger, Exception? exception);

    [LoggerMessage(EventId = 9122, Level = LogLevel.Information, Message = "Redis answers again: rate limits are shared by every instance again.")]
    private static partial void LogRecovered(ILogger logger);
}

/// <summary>
/// One (group, client) partition's fixed window counted in Redis, shared by every instance: a Lua script increments the
/// window's counter and sets its expiry in one atomic step, on Redis's clock (instances' clocks do not matter). When Redis is
/// unreachable or fails, the request is counted by <see cref="_local"/>, this instance's own window of the same size, so a
/// request is never refused or failed because Redis is down; the next request tries Redis again.
/// </summary>
internal sealed class RedisFixedWindowLimiter : RateLimiter
{
    // KEYS[1] the window's counter; ARGV[1] permits asked, ARGV[2] window in ms. Returns { count after increment, ms left }.
    private const string Script = """
        local count = redis.call('INCRBY', KEYS[1], ARGV[1])
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          ttl = tonumber(ARGV[2])
        end
        return { count, ttl }
        """;

    private static readonly RateLimitLease s_notAttempted = new Lease(false, null);
    private readonly SharedRateLimits _shared;
    private readonly RedisKey[] _keys;
    private readonly long _windowMilliseconds;
    private readonly string _group;
    private readonly int _permitLimit;
    private readonly FixedWindowRateLimiter _local;
    private long _lastUsed = System.Diagnostics.Stopwatch.GetTimestamp();

    public RedisFixedWindowLimiter(SharedRateLimits shared, string group, string client, int permitLimit, TimeSpan window)
    {
        _shared = shared;
        _group = group;
        _permitLimit = permitLimit;
        _keys = [shared.Redis.Key($"rate-limit:{group}:{client}")];
        _windowMilliseconds = (long)window.TotalMilliseconds;
        _local = new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
        {
            PermitLimit = permitLimit,
            Window = window,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    /// <summary>
    /// How long since this partition last counted a request (the shared count lives in Redis, so an idle partition may be dropped and made
    /// again). Not the local window's idleness: that window is only used while Redis is unreachable, so it looks idle all the time and the
    /// partition would be dropped and rebuilt every few seconds under load.
    /// </summary>
    public override TimeSpan? IdleDuration => System.Diagnostics.Stopwatch.GetElapsedTime(Volatile.Read(ref _lastUsed));

    public override RateLimiterStatistics? GetStatistics() => _local.GetStatistics();

    /// <summary>Always "not acquired": the rate-limiting middleware then calls <see cref="AcquireAsyncCore"/>, which asks Redis.</summary>
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => s_notAttempted;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _lastUsed, System.Diagnostics.Stopwatch.GetTimestamp());
        if (!_shared.Redis.IsConnected)
        {
            _shared.FellBack(_group, null);
            return _local.AttemptAcquire(permitCount);
        }

        try
        {
            var result = (RedisResult[]?)await _shared.Redis.Multiplexer.GetDatabase()
                .ScriptEvaluateAsync(Script, _keys, [permitCount, _windowMilliseconds]).ConfigureAwait(false);
            var count = (long)result![0];
            var ttl = TimeSpan.FromMilliseconds(Math.Max(0, (long)result[1]));
            _shared.Counted();
            return count <= _permitLimit ? new Lease(true, null) : new Lease(false, ttl);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            _shared.FellBack(_group, ex);
            return _local.AttemptAcquire(permitCount);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _local.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// The partitioned limiter drops an idle partition with <c>DisposeAsync</c>, which does not call <see cref="Dispose(bool)"/> with
    /// <see langword="true"/>: the local window (and its replenishment timer, which keeps it alive) must be disposed here too, or every
    /// dropped partition leaks one.
    /// </summary>
    protected override async ValueTask DisposeAsyncCore()
    {
        await _local.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsyncCore().ConfigureAwait(false);
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (retryAfter is { } wait && string.Equals(metadataName, MetadataName.RetryAfter.Name, StringComparison.Ordinal))
            {
                metadata = wait;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
