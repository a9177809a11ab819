using System.Net;
using Foundation.Auth.ApiKeys;
using Foundation.Caching;
using Foundation.Hosting.Tests.Auth;
using Foundation.Hosting.Tests.Infrastructure;
using Foundation.Hosting.Tests.Totp;
using Foundation.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Foundation.Hosting.Tests.Redis;

/// <summary>
/// Two instances with separate data directories on one PostgreSQL database: an API key deactivated through one is refused by the other
/// as soon as the Redis invalidation arrives (well within the documented second), although the other had just cached it and its clock
/// (a fake one, frozen) would keep the entry for the whole 5 s TTL. Without Redis the same steps leave the key usable there: the control.
/// </summary>
[Trait("Category", TestCategories.Integration)]
public sealed class RevocationAcrossInstancesOnPostgresTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple 42";
    private readonly PostgresTestEngine _engine = new("fnd_redis_revoke");
    private readonly SharedTestRedis _redis = new();
    private readonly FakeTimeProvider _clock = TestClock.Create();
    private readonly List<IDisposable> _owned = [];

    public Task InitializeAsync() => _engine.CreateAsync();

    public async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            owned.Dispose();
        }

        await _redis.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await _engine.DropAsync();
    }

    [Fact]
    public async Task An_api_key_deactivated_through_one_instance_is_refused_by_the_other_within_a_second()
    {
        var (a, clientA, _) = Instance(withRedis: true);
        var (_, clientB, factoryB) = Instance(withRedis: true);
        var (token, id, key) = await KeyAsync(a, clientA);
        (await MeAsync(clientB, key)).ShouldBe(HttpStatusCode.OK, "B has read (and cached) the key");

        var arrived = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = factoryB.Services.GetRequiredService<ICacheInvalidationBus>()
            .Subscribe(ApiKeyValidationCache.InvalidationTopic, k => arrived.TrySetResult(k));

        using (var off = await clientA.SendAsync(a.Authorized(HttpMethod.Post, $"/api/v1/api-keys/{id}/deactivate", token)))
        {
            off.StatusCode.ShouldBe(HttpStatusCode.OK, await off.Content.ReadAsStringAsync());
        }

        // The documented bound; B's cache subscribed before this watcher, so it has evicted when the watcher hears the message.
        (await arrived.Task.WaitAsync(TimeSpan.FromSeconds(1))).ShouldBe(key.Split('_')[1]);
        (await MeAsync(clientB, key)).ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Without_redis_the_other_instance_keeps_its_cached_key_until_the_ttl()
    {
        var (a, clientA, _) = Instance(withRedis: false);
        var (_, clientB, _) = Instance(withRedis: false);
        var (token, id, key) = await KeyAsync(a, clientA);
        (await MeAsync(clientB, key)).ShouldBe(HttpStatusCode.OK);

        using (var off = await clientA.SendAsync(a.Authorized(HttpMethod.Post, $"/api/v1/api-keys/{id}/deactivate", token)))
        {
            off.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await MeAsync(clientA, key)).ShouldBe(HttpStatusCode.Unauthorized, "the instance that deactivated it evicts at once");
        (await MeAsync(clientB, key)).ShouldBe(HttpStatusCode.OK, "the other sees it only when its 5 s entry expires");
        _clock.Advance(ApiKeyValidationCache.TimeToLive);
        (await MeAsync(clientB, key)).ShouldBe(HttpStatusCode.Unauthorized);
    }

    private async Task<(string Token, string Id, string Key)> KeyAsync(AuthTestHost host, HttpClient client)
    {
        await host.RegisterAsync(client, "keys@example.com", Password);
        var token = (await host.LoginAsync(client, "keys@example.com", Password)).Text("accessToken");
        using var created = await client.SendAsync(host.Authorized(HttpMethod.Post, "/api/v1/api-keys", token, new { name = "ci" }));
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var body = await created.ReadJsonAsync();
        return (token, body.Text("id"), body.Text("key"));
    }

    private static async Task<HttpStatusCode> MeAsync(HttpClient client, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/me");
        request.Headers.TryAddWithoutValidation("X-API-Key", key);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private (AuthTestHost Host, HttpClient Client, WebApplicationFactory<Program> Factory) Instance(bool withRedis)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Foundation:Database:Provider"] = "PostgreSql",
            ["Foundation:Database:ConnectionString"] = _engine.ConnectionString,
        };
        if (withRedis)
        {
            foreach (var (k, v) in _redis.Settings())
            {
                settings[k] = v;
            }
        }

        var host = new AuthTestHost(settings);
        var factory = host.WithClock(_clock);
        var client = factory.CreateClient();
        _owned.Add(host);
        _owned.Add(factory);
        _owned.Add(client);
        return (host, client, factory);
    }
}
