using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Foundation.Hosting.Redis;

/// <summary>
/// Redis (<c>Foundation:Redis</c>) answers <c>PING</c> within the health timeout. Registered only when Redis is configured; a
/// failure reports <see cref="HealthStatus.Degraded"/>, not Unhealthy: the instance still serves (rate limits per instance, caches
/// on their TTLs), and taking every instance out of the load balancer because Redis is down would turn a degradation into an outage.
/// With the key ring in Redis (<c>Foundation:DataProtection:KeyRing</c> = <c>Redis</c>) new keys cannot be stored while it is down.
/// </summary>
internal sealed class RedisHealthCheck(RedisConnection redis, IOptions<HostingOptions> hosting) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var timeout = TimeSpan.FromSeconds(hosting.Value.Health.DatabaseTimeoutSeconds);
        if (!redis.IsConnected)
        {
            return new HealthCheckResult(context.Registration.FailureStatus,
                "Redis unreachable: rate limits are counted per instance and cache invalidations stay on this instance until it is back.");
        }

        try
        {
            var latency = await redis.Multiplexer.GetDatabase().PingAsync().WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy("Redis reachable",
                new Dictionary<string, object>(StringComparer.Ordinal) { ["latencyMs"] = Math.Round(latency.TotalMilliseconds, 2) });
        }
        catch (TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"Redis did not answer PING within {timeout.TotalSeconds} s.");
        }
        catch (RedisException ex)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Redis unreachable: " + ex.GetType().Name + ".");
        }
    }
}
