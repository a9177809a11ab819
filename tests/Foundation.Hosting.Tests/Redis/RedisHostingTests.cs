using System.Net;
using Foundation.Caching;
using Foundation.Hosting.Tests.Infrastructure;
using Foundation.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Foundation.Hosting.Tests.Redis;

/// <summary>Redis in the host: the key ring shared through it, the readiness check, the bus it brings, and the start-up checks of its keys.</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class RedisHostingTests
{
    [Fact]
    public async Task A_secret_protected_by_one_host_is_read_by_another_through_the_key_ring_in_redis()
    {
        await using var redis = new SharedTestRedis();
        var settings = redis.Settings();
        settings["Foundation:DataProtection:KeyRing"] = "Redis";
        using var a = new SampleAppFactory(settings);
        using var b = new SampleAppFactory(settings);
        using var started = a.CreateClient();

        var protectedValue = a.Services.GetRequiredService<ISecretProtector>().Protect("redis-test", "s3cret");
        b.Services.GetRequiredService<ISecretProtector>().Unprotect("redis-test", protectedValue).ShouldBe("s3cret");

        await using var look = await redis.ConnectAsync();
        (await look.GetDatabase().ListLengthAsync(redis.KeyPrefix + "data-protection-keys")).ShouldBe(1, "one ring, one key, in Redis");
        foreach (var host in new[] { a, b })
        {
            var keys = Path.Combine(host.DataDirectory, "keys");
            (Directory.Exists(keys) ? Directory.GetFiles(keys) : []).ShouldBeEmpty();
        }
    }

    [Fact]
    public async Task Readiness_reports_redis_healthy_when_it_answers_and_degraded_but_serving_when_it_does_not()
    {
        await using var redis = new SharedTestRedis();
        using (var up = new SampleAppFactory(redis.Settings()))
        using (var client = up.CreateClient())
        {
            var ready = await (await client.GetAsync("/health/ready")).ReadJsonAsync();
            Check(ready, "redis").Text("status").ShouldBe("Healthy");
        }

        await using var server = await PrivateRedisServer.StartAsync();
        await server.KillAsync();
        using var down = new SampleAppFactory(new Dictionary<string, string?> { ["Foundation:Redis:Configuration"] = server.Endpoint + ",connectTimeout=500" });
        using var downClient = down.CreateClient();
        using var response = await downClient.GetAsync("/health/ready");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, "Redis down degrades the instance; it does not take it out of the load balancer");
        var report = await response.ReadJsonAsync();
        report.Text("status").ShouldBe("Degraded");
        Check(report, "redis").Text("status").ShouldBe("Degraded");
        (await downClient.GetAsync("/api/v1/hello")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Without_redis_there_is_no_redis_check_and_the_bus_is_in_process()
    {
        using var factory = new SampleAppFactory();
        using var client = factory.CreateClient();
        var ready = await (await client.GetAsync("/health/ready")).ReadJsonAsync();
        ready.GetProperty("checks").EnumerateArray().ShouldNotContain(c => c.Text("name") == "redis");
        factory.Services.GetRequiredService<ICacheInvalidationBus>().ShouldBeOfType<InProcessCacheInvalidationBus>();
    }

    [Fact]
    public async Task A_message_published_on_one_host_reaches_the_subscribers_of_the_other_but_not_twice_its_own()
    {
        await using var redis = new SharedTestRedis();
        using var a = new SampleAppFactory(redis.Settings());
        using var b = new SampleAppFactory(redis.Settings());
        var busA = a.Services.GetRequiredService<ICacheInvalidationBus>();
        var busB = b.Services.GetRequiredService<ICacheInvalidationBus>();
        var onA = new List<string>();
        var onB = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subA = busA.Subscribe("test.topic", k => { lock (onA) { onA.Add(k); } });
        using var subB = busB.Subscribe("test.topic", k => onB.TrySetResult(k));

        busA.Publish("test.topic", "key-1");

        (await onB.Task.WaitAsync(TimeSpan.FromSeconds(1))).ShouldBe("key-1");
        lock (onA)
        {
            onA.ShouldBe(["key-1"], "delivered once on the publishing host (locally), not again from Redis");
        }

        Should.Throw<ArgumentException>(() => busA.Publish("bad topic!", "k")).Message.ShouldContain("bad topic!");
    }

    [Theory]
    [InlineData("127.0.0.1:6379,notAnOption=1", null, "Foundation:Redis:Configuration is not a valid StackExchange.Redis configuration string")]
    [InlineData(null, "Redis", "Foundation:DataProtection:KeyRing is 'Redis' but Foundation:Redis:Configuration is not set")]
    public async Task Misconfigured_redis_fails_the_start_naming_the_key(string? configuration, string? keyRing, string message)
    {
        var exception = await Should.ThrowAsync<OptionsValidationException>(() => TestApp.StartAsync(o =>
        {
            o.Settings["Foundation:Redis:Configuration"] = configuration;
            o.Settings["Foundation:DataProtection:KeyRing"] = keyRing;
        }));
        exception.Message.ShouldContain(message);
    }

    private static System.Text.Json.JsonElement Check(System.Text.Json.JsonElement report, string name) =>
        report.GetProperty("checks").EnumerateArray().Single(c => c.Text("name") == name);
}
