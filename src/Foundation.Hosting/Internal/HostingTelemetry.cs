using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Foundation.Hosting.Internal;

/// <summary>The <c>Foundation.Hosting</c> meter and activity source.</summary>
internal static class HostingTelemetry
{
    public const string Name = "Foundation.Hosting";

    public static readonly Meter Meter = new(Name, typeof(HostingTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly ActivitySource ActivitySource = new(Name, typeof(HostingTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly Counter<long> RateLimitRejections = Meter.CreateCounter<long>(
        "foundation.hosting.rate_limit.rejections",
        unit: "{request}",
        description: "Requests refused with 429 by the rate limiter, by endpoint group.");

    public static readonly Counter<long> RateLimitFallbacks = Meter.CreateCounter<long>(
        "foundation.hosting.rate_limit.fallbacks",
        unit: "{request}",
        description: "Requests whose rate limit was counted by this instance alone because Redis (Foundation:Redis) was unreachable, by endpoint group.");

    public static readonly Counter<long> CacheInvalidationsNotSent = Meter.CreateCounter<long>(
        "foundation.hosting.cache_invalidation.not_sent",
        unit: "{message}",
        description: "Cache invalidations that reached this instance only because Redis was unreachable, by topic.");

    public static readonly Counter<long> CacheInvalidationsReceived = Meter.CreateCounter<long>(
        "foundation.hosting.cache_invalidation.received",
        unit: "{message}",
        description: "Cache invalidations received from other instances over Redis, by topic.");

    public static readonly ObservableGauge<int> RedisConnected = Meter.CreateObservableGauge(
        "foundation.hosting.redis.connected",
        Redis.RedisConnection.ObserveConnected,
        unit: null,
        description: "1 while this instance is connected to Redis (Foundation:Redis:Configuration), 0 while it is not; absent without Redis.");
}
