using System.Diagnostics.Metrics;
using System.Net;
using Foundation.Hosting.Redis;
using Foundation.Hosting.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Foundation.Hosting.Tests.Redis;

/// <summary>
/// Rate limits counted in Redis (<c>Foundation:Redis:Configuration</c>): two hosts with their own data directories share one window per
/// (group, client); with Redis killed they keep serving on per-instance windows, count the fallback and log it; with Redis back they share again.
/// </summary>
[Trait("Category", TestCategories.Integration)]
public sealed class SharedRateLimitTests
{
    private const string Peer = "203.0.113.20";

    [Fact]
    public async Task Two_hosts_admit_the_limit_in_total_not_each()
    {
        await using var redis = new SharedTestRedis();
        var settings = redis.Settings();
        settings["Foundation:Hosting:RateLimiting:Api:PermitLimit"] = "5";
        using var a = new SampleAppFactory(settings);
        using var b = new SampleAppFactory(settings);
        using var clientA = a.CreateClient();
        using var clientB = b.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await (i % 2 == 0 ? clientA : clientB).SendAsync(HttpAssertions.Get("/api/v1/hello", Peer));
            statuses.Add(response.StatusCode);
        }

        statuses.Count(s => s == HttpStatusCode.OK).ShouldBe(5, string.Join(", ", statuses));
        statuses.Skip(5).ShouldAllBe(s => s == HttpStatusCode.TooManyRequests);

        // The refusal is the usual problem, with the window's remaining time from Redis.
        using var refused = await clientB.SendAsync(HttpAssertions.Get("/api/v1/hello", Peer));
        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        var retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        retryAfter.ShouldBeInRange(1, 60);

        // One counter in Redis under the host's prefix, expiring with the window; another client has its own budget.
        await using var look = await redis.ConnectAsync();
        var db = look.GetDatabase();
        var key = (RedisKey)$"{redis.KeyPrefix}rate-limit:api:{Peer}";
        ((long)await db.StringGetAsync(key)).ShouldBe(9);
        var ttl = await db.KeyTimeToLiveAsync(key);
        ttl.ShouldNotBeNull();
        ttl.Value.ShouldBeLessThanOrEqualTo(TimeSpan.FromSeconds(60));
        using var other = await clientA.SendAsync(HttpAssertions.Get("/api/v1/hello", "203.0.113.21"));
        other.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task With_redis_killed_requests_are_served_on_per_instance_limits_counted_and_logged_and_shared_again_when_it_is_back()
    {
        await using var server = await PrivateRedisServer.StartAsync();
        var logs = new RecordingLoggerProvider();
        using var fallbacks = new FallbackCounter();
        using var baseFactory = new SampleAppFactory(new Dictionary<string, string?>
        {
            ["Foundation:Redis:Configuration"] = server.Endpoint + ",connectTimeout=2000",
            ["Foundation:Redis:KeyPrefix"] = "down-test:",
            ["Foundation:Hosting:RateLimiting:Api:PermitLimit"] = "3",
            ["Logging:LogLevel:Foundation.Hosting"] = "Information",
        });
        using var factory = baseFactory.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs)));
        using var client = factory.CreateClient();
        var multiplexer = factory.Services.GetRequiredService<RedisConnection>().Multiplexer;
        await using var look = await ConnectionMultiplexer.ConnectAsync(server.Endpoint);
        var key = (RedisKey)$"down-test:rate-limit:api:{Peer}";

        await SendAsync(client, 2, HttpStatusCode.OK);
        ((long)await look.GetDatabase().StringGetAsync(key)).ShouldBe(2, "counted in Redis while it is up");

        // Redis dies (SIGKILL): the host notices the lost connection, then serves on its own window of 3.
        var lost = WhenConnectionFails(multiplexer);
        await server.KillAsync();
        await lost;
        await SendAsync(client, 3, HttpStatusCode.OK);
        await SendAsync(client, 1, HttpStatusCode.TooManyRequests);
        fallbacks.Total.ShouldBeGreaterThanOrEqualTo(4);
        logs.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.Contains("rate limits are counted per instance", StringComparison.Ordinal))
            .ShouldBe(1, "one warning per outage, not one per request");

        // Redis is back (empty: it kept nothing): the next request is counted there again.
        var restored = WhenConnectionIsRestored(multiplexer);
        await server.RestartAsync();
        await restored;
        await SendAsync(client, 1, HttpStatusCode.OK);
        ((long)await look.GetDatabase().StringGetAsync(key)).ShouldBe(1);
        logs.Entries.ShouldContain(e => e.Message.Contains("rate limits are shared by every instance again", StringComparison.Ordinal));
    }

    private static async Task SendAsync(HttpClient client, int count, HttpStatusCode expected)
    {
        for (var i = 0; i < count; i++)
        {
            using var response = await client.SendAsync(HttpAssertions.Get("/api/v1/hello", Peer));
            response.StatusCode.ShouldBe(expected, await response.Content.ReadAsStringAsync());
        }
    }

    internal static Task WhenConnectionFails(IConnectionMultiplexer multiplexer)
    {
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        multiplexer.ConnectionFailed += (_, _) => failed.TrySetResult();
        return failed.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    internal static Task WhenConnectionIsRestored(IConnectionMultiplexer multiplexer)
    {
        var restored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        multiplexer.ConnectionRestored += (_, _) => restored.TrySetResult();

        // A safety net for a hung test, not a timing assertion: StackExchange.Redis retries with a back-off of a few seconds.
        return restored.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Sums <c>foundation.hosting.rate_limit.fallbacks</c> of the api group while it lives.</summary>
    private sealed class FallbackCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _total;

        public FallbackCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Foundation.Hosting" && instrument.Name == "foundation.hosting.rate_limit.fallbacks")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "group" && Equals(tag.Value, "api"))
                    {
                        Interlocked.Add(ref _total, value);
                    }
                }
            });
            _listener.Start();
        }

        public long Total => Interlocked.Read(ref _total);

        public void Dispose() => _listener.Dispose();
    }
}
