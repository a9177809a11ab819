using Foundation.Hosting.RateLimiting;
using Foundation.Hosting.Redis;
using Microsoft.Extensions.Logging.Abstractions;

namespace Foundation.Hosting.Tests.RateLimiting;

/// <summary>
/// The shared (Redis-counted) partition's own lifetime, without a Redis server: the partitioned limiter drops idle partitions with
/// <c>DisposeAsync</c>, and the 15-minute soak found every dropped partition leaking its local fallback window (and that window's
/// timer), one per client every 10 seconds, because the partition looked idle whenever the fallback was unused.
/// </summary>
public sealed class RedisFixedWindowLimiterTests
{
    [Fact]
    public async Task DisposeAsync_disposes_the_local_fallback_window()
    {
        var limiter = NewLimiter();
        limiter.GetStatistics().ShouldNotBeNull();

        await limiter.DisposeAsync();

        // The local window answers the statistics: disposed, it refuses instead of living on behind its timer.
        Should.Throw<ObjectDisposedException>(() => limiter.GetStatistics());
    }

    [Fact]
    public async Task A_partition_is_idle_for_the_time_since_it_last_counted_a_request_not_while_its_fallback_is_unused()
    {
        await using var limiter = NewLimiter();
        using (await limiter.AcquireAsync(1)) // Redis is not configured: the local window counts it
        {
        }

        limiter.IdleDuration.ShouldNotBeNull().ShouldBeLessThan(TimeSpan.FromSeconds(5));
    }

    private static RedisFixedWindowLimiter NewLimiter()
    {
        var redis = new RedisConnection(Microsoft.Extensions.Options.Options.Create(new FoundationOptions()), NullLogger<RedisConnection>.Instance);
        var shared = new SharedRateLimits(redis, NullLogger<SharedRateLimits>.Instance);
        return new RedisFixedWindowLimiter(shared, "api", "203.0.113.10", 10, TimeSpan.FromMinutes(1));
    }
}
