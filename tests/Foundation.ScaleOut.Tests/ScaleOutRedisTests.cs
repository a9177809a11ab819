using System.Diagnostics;
using System.Net;
using Foundation.ScaleOut.Tests.Infrastructure;
using static Foundation.ScaleOut.Tests.Infrastructure.Api;

namespace Foundation.ScaleOut.Tests;

/// <summary>
/// The three instances behind nginx with Redis configured (<c>Foundation:Redis:Configuration</c>, issue 16 item 1): rate limits are
/// counted once for all of them, and a revocation through one reaches the others' caches within the documented second.
/// Needs the Redis server of <c>FOUNDATION_TEST_REDIS</c> (eng/test.sh starts one); keys live under a prefix of their own, nothing is flushed.
/// </summary>
[Collection(ScaleOutClusters.Name)]
public sealed class ScaleOutRedisTests(ScaleOutRedisCluster cluster) : IClassFixture<ScaleOutRedisCluster>
{
    [Fact]
    public async Task A_rate_limit_of_N_per_minute_admits_N_in_total_across_the_three()
    {
        var owner = await OwnerAsync(cluster.Client, "limits@example.com", NewTenant());
        // A client address of this test's own (nginx appends it to X-Forwarded-For; the instances trust loopback proxies), so the
        // Api group's partition is counted from zero whatever other tests did.
        var client = "10.16." + Random.Shared.Next(0, 255) + "." + Random.Shared.Next(1, 255);
        var statuses = new List<(HttpStatusCode Status, string? ServedBy)>();
        for (var i = 0; i < ScaleOutRedisCluster.ApiPermitLimit * 3; i++)
        {
            using var request = Authorized(HttpMethod.Get, "/api/v1/api-keys", owner);
            request.Headers.Add("X-Forwarded-For", client);
            using var response = await cluster.Client.SendAsync(request);
            statuses.Add((response.StatusCode, ServedBy(response)));
        }

        statuses.Count(s => s.Status == HttpStatusCode.OK).ShouldBe(ScaleOutRedisCluster.ApiPermitLimit, cluster.Diagnostics());
        statuses.Count(s => s.Status == HttpStatusCode.TooManyRequests).ShouldBe(ScaleOutRedisCluster.ApiPermitLimit * 2);
        statuses.Select(s => s.ServedBy).Distinct().Count().ShouldBe(3, "every instance answered, and each refused once the shared count was spent");
    }

    [Fact]
    public async Task An_api_key_revoked_through_one_is_refused_by_all_within_one_second()
    {
        var a = cluster.Instances[0];
        var owner = await OwnerAsync(a.Client, "revoke@example.com", NewTenant());
        var (id, key) = await ApiKeyAsync(a.Client, owner, "soon revoked");

        // Every instance validates the key once, so each holds it in its cache (5 s without Redis).
        foreach (var instance in cluster.Instances)
        {
            using var models = await instance.Client.SendAsync(Authorized(HttpMethod.Get, "/v1/models", key));
            models.StatusCode.ShouldBe(HttpStatusCode.OK, await models.Content.ReadAsStringAsync());
        }

        using (var revoked = await a.Client.SendAsync(Authorized(HttpMethod.Delete, $"/api/v1/api-keys/{id}", owner)))
        {
            revoked.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        var since = Stopwatch.StartNew();
        var refusedAfter = new Dictionary<string, TimeSpan>();
        foreach (var instance in cluster.Instances)
        {
            while (true)
            {
                using var models = await instance.Client.SendAsync(Authorized(HttpMethod.Get, "/v1/models", key));
                if (models.StatusCode == HttpStatusCode.Unauthorized)
                {
                    refusedAfter[instance.Name] = since.Elapsed;
                    break;
                }

                models.StatusCode.ShouldBe(HttpStatusCode.OK);
                if (since.Elapsed > TimeSpan.FromSeconds(1))
                {
                    break;
                }

                await Task.Delay(20);
            }
        }

        refusedAfter.Keys.ShouldBe(cluster.Instances.Select(i => i.Name), ignoreOrder: true,
            $"refused within 1 s by: {string.Join(", ", refusedAfter.Select(p => $"{p.Key} after {p.Value.TotalMilliseconds:F0} ms"))}");
    }
}

/// <summary>The cluster with Redis: a key prefix of its own on the server of <c>FOUNDATION_TEST_REDIS</c>, shared rate limits on.</summary>
public sealed class ScaleOutRedisCluster : ScaleOutCluster
{
    public const int ApiPermitLimit = 30;

    protected override Dictionary<string, string> Settings()
    {
        var redis = Environment.GetEnvironmentVariable("FOUNDATION_TEST_REDIS") is { Length: > 0 } r
            ? r
            : throw new InvalidOperationException("FOUNDATION_TEST_REDIS is not set: the Redis scale-out tests need the real server; run ./eng/test.sh (it starts Redis and sets it).");
        var settings = base.Settings();
        settings["Foundation__Redis__Configuration"] = redis;
        settings["Foundation__Redis__KeyPrefix"] = $"fndtest:{Guid.NewGuid():N}:";
        settings["Foundation__Hosting__RateLimiting__Enabled"] = "true";
        settings["Foundation__Hosting__RateLimiting__Api__PermitLimit"] = ApiPermitLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Foundation__Hosting__RateLimiting__Api__WindowSeconds"] = "60";
        settings["Foundation__Hosting__RateLimiting__Auth__PermitLimit"] = "10000";
        settings["Foundation__Hosting__RateLimiting__General__PermitLimit"] = "10000";
        settings["Foundation__Hosting__RateLimiting__Llm__PermitLimit"] = "10000";
        settings["Foundation__Hosting__ForwardedHeaders__TrustedNetworks__0"] = "127.0.0.0/8";
        settings["Foundation__Hosting__ForwardedHeaders__ForwardLimit"] = "2";
        return settings;
    }
}
