using System.Globalization;
using System.Net;
using Foundation.Hosting.Tests.Infrastructure;

namespace Foundation.Hosting.Tests.RateLimiting;

/// <summary>
/// The partitioned rate limiter on the sample app. Every test gets a fresh host, so no counter leaks between tests.
/// Peers are documentation addresses (TEST-NET), simulated through the X-Test-Peer header; nothing leaves the process.
/// </summary>
[Trait("Category", TestCategories.Integration)]
public sealed class RateLimitingTests
{
    private const string PeerA = "203.0.113.10";
    private const string PeerB = "203.0.113.11";
    private const string Proxy = "203.0.113.5";

    [Fact]
    public async Task The_101st_general_request_in_a_minute_is_refused_with_retry_after_and_a_problem()
    {
        using var factory = new SampleAppFactory();
        using var client = factory.CreateClient();

        await SendAllowedAsync(client, "/", PeerA, 100, HttpStatusCode.OK);
        using var refused = await client.SendAsync(HttpAssertions.Get("/", PeerA));

        var body = await ShouldBeRateLimitedAsync(refused);
        body.Text("detail").ShouldContain("100 requests per 60 seconds");
        body.GetProperty("group").GetString().ShouldBe("general");
        body.GetProperty("limit").GetInt32().ShouldBe(100);
    }

    [Fact]
    public async Task The_61st_api_request_is_refused()
    {
        using var factory = new SampleAppFactory();
        using var client = factory.CreateClient();

        await SendAllowedAsync(client, "/api/v1/hello", PeerA, 60, HttpStatusCode.OK);
        using var refused = await client.SendAsync(HttpAssertions.Get("/api/v1/hello", PeerA));

        var body = await ShouldBeRateLimitedAsync(refused);
        body.Text("detail").ShouldContain("60 requests per 60 seconds for 'api'");
    }

    [Fact]
    public async Task The_11th_auth_request_is_refused_even_on_an_unmapped_path()
    {
        using var factory = new SampleAppFactory();
        using var client = factory.CreateClient();

        await SendAllowedAsync(client, "/api/v1/auth/not-mapped", PeerA, 10, HttpStatusCode.NotFound);
        using var refused = await client.SendAsync(HttpAssertions.Get("/api/v1/auth/not-mapped", PeerA));

        var body = await ShouldBeRateLimitedAsync(refused);
        body.Text("detail").ShouldContain("10 requests per 60 seconds for 'auth'");

        // The auth budget is its own: the same peer still has its API budget.
        using var api = await client.SendAsync(HttpAssertions.Get("/api/v1/hello", PeerA));
        api.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Different_peers_have_separate_budgets()
    {
        using var factory = new SampleAppFactory();
        using var client = factory.CreateClient();

        await SendAllowedAsync(client, "/", PeerA, 100, HttpStatusCode.OK);
        using var refused = await client.SendAsync(HttpAssertions.Get("/", PeerA));
        using var other = await client.SendAsync(HttpAssertions.Get("/", PeerB));

        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        other.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_forged_forwarded_for_from_an_untrusted_peer_is_ignored()
    {
        using var factory = new SampleAppFactory();
        using var client = factory.CreateClient();

        for (var i = 1; i <= 100; i++)
        {
            using var response = await client.SendAsync(HttpAssertions.Get("/", PeerA, forwardedFor: $"198.51.100.{i}"));
            response.StatusCode.ShouldBe(HttpStatusCode.OK, $"request {i}");
        }

        using var refused = await client.SendAsync(HttpAssertions.Get("/", PeerA, forwardedFor: "198.51.100.200"));

        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Forwarded_for_from_a_trusted_proxy_gives_each_client_its_own_budget()
    {
        using var factory = new SampleAppFactory(new Dictionary<string, string?>
        {
            ["Foundation:Hosting:ForwardedHeaders:TrustedProxies:0"] = Proxy,
        });
        using var client = factory.CreateClient();

        await SendAllowedAsync(client, "/", Proxy, 100, HttpStatusCode.OK, forwardedFor: "198.51.100.1");
        using var refused = await client.SendAsync(HttpAssertions.Get("/", Proxy, forwardedFor: "198.51.100.1"));
        using var secondClient = await client.SendAsync(HttpAssertions.Get("/", Proxy, forwardedFor: "198.51.100.2"));

        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        secondClient.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Health_endpoints_are_never_limited()
    {
        using var factory = new SampleAppFactory();
        using var client = factory.CreateClient();

        await SendAllowedAsync(client, "/", PeerA, 100, HttpStatusCode.OK);
        using var refused = await client.SendAsync(HttpAssertions.Get("/", PeerA));
        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);

        for (var i = 0; i < 120; i++)
        {
            using var live = await client.SendAsync(HttpAssertions.Get("/health/live", PeerA));
            live.StatusCode.ShouldBe(HttpStatusCode.OK, $"/health/live request {i + 1}");
        }

        using var ready = await client.SendAsync(HttpAssertions.Get("/health/ready", PeerA));
        ready.StatusCode.ShouldBe(HttpStatusCode.OK);

        for (var i = 0; i < 120; i++)
        {
            using var metrics = await client.SendAsync(HttpAssertions.Get("/metrics", PeerA));
            metrics.StatusCode.ShouldBe(HttpStatusCode.OK, $"/metrics request {i + 1}");
        }
    }

    [Fact]
    public async Task Configured_limits_apply()
    {
        using var factory = new SampleAppFactory(new Dictionary<string, string?>
        {
            ["Foundation:Hosting:RateLimiting:Api:PermitLimit"] = "3",
            ["Foundation:Hosting:RateLimiting:Api:WindowSeconds"] = "30",
        });
        using var client = factory.CreateClient();

        await SendAllowedAsync(client, "/api/v1/hello", PeerA, 3, HttpStatusCode.OK);
        using var refused = await client.SendAsync(HttpAssertions.Get("/api/v1/hello", PeerA));

        var body = await ShouldBeRateLimitedAsync(refused, maxRetryAfter: 30);
        body.Text("detail").ShouldContain("3 requests per 30 seconds");
    }

    [Fact]
    public async Task Disabled_rate_limiting_refuses_nothing()
    {
        using var factory = new SampleAppFactory(new Dictionary<string, string?>
        {
            ["Foundation:Hosting:RateLimiting:Enabled"] = "false",
        });
        using var client = factory.CreateClient();

        await SendAllowedAsync(client, "/api/v1/hello", PeerA, 130, HttpStatusCode.OK);
    }

    private static async Task SendAllowedAsync(HttpClient client, string path, string peer, int count, HttpStatusCode expected, string? forwardedFor = null)
    {
        for (var i = 1; i <= count; i++)
        {
            using var response = await client.SendAsync(HttpAssertions.Get(path, peer, forwardedFor));
            response.StatusCode.ShouldBe(expected, $"request {i} of {count} to {path}");
        }
    }

    private static async Task<System.Text.Json.JsonElement> ShouldBeRateLimitedAsync(HttpResponseMessage response, int maxRetryAfter = 60)
    {
        var body = await response.ShouldBeProblemAsync(429);
        var retryAfter = response.Header("Retry-After");
        retryAfter.ShouldNotBeNull();
        int.TryParse(retryAfter, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds).ShouldBeTrue($"Retry-After '{retryAfter}' is not whole seconds");
        seconds.ShouldBeInRange(1, maxRetryAfter);
        body.GetProperty("retryAfterSeconds").GetInt32().ShouldBe(seconds);
        body.GetProperty("title").GetString().ShouldBe("Too many requests");
        body.GetProperty("requestId").GetString().ShouldBe(response.Header(HttpAssertions.RequestIdHeader));
        return body;
    }
}
