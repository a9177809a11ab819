using System.Net;
using System.Net.Http.Json;
using Foundation.Hosting.Tests.Infrastructure;

namespace Foundation.Hosting.Tests.Auth;

/// <summary>
/// Two app instances (two hosts in this process) on one real PostgreSQL database and one shared key ring: what one
/// instance issues, the other honours, and refresh-token rotation stays single-use across both.
/// </summary>
public sealed class AuthOnPostgresTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private readonly string _database = "fnd_hosting_" + Guid.NewGuid().ToString("N")[..12];
    private readonly TempDirectory _shared = new();
    private string _connectionString = string.Empty;

    public async Task InitializeAsync()
    {
        _connectionString = await TestPostgresDatabase.CreateAsync(_database);
    }

    public async Task DisposeAsync()
    {
        await TestPostgresDatabase.DropAsync(_database);

        _shared.Dispose();
    }

    [Fact]
    public async Task Tokens_from_one_instance_work_on_the_other_and_a_refresh_token_is_used_once_across_both()
    {
        // Strict mode (no reuse interval): exactly one of twenty wins. The default interval is tested below.
        using var a = Instance(AuthFlowTests.StrictRefresh);
        using var b = Instance(AuthFlowTests.StrictRefresh);
        using var clientA = a.CreateClient();
        using var clientB = b.CreateClient();

        await a.RegisterAsync(clientA, "two@example.com", Password);
        var tokens = await a.LoginAsync(clientA, "two@example.com", Password);

        using var me = await clientB.SendAsync(b.Authorized(HttpMethod.Get, "/api/v1/auth/me", tokens.Text("accessToken")));
        me.StatusCode.ShouldBe(HttpStatusCode.OK, "instance B validates instance A's token (shared keys in the database)");

        var refresh = tokens.Text("refreshToken");
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            var client = i % 2 == 0 ? clientA : clientB;
            using var response = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = refresh });
            return response.StatusCode;
        }));
        results.Count(s => s == HttpStatusCode.OK).ShouldBe(1);
        results.Count(s => s == HttpStatusCode.Unauthorized).ShouldBe(19);
    }

    [Fact]
    public async Task Lockout_counts_failures_from_both_instances_together()
    {
        using var a = Instance();
        using var b = Instance();
        using var clientA = a.CreateClient();
        using var clientB = b.CreateClient();
        await a.RegisterAsync(clientA, "lock@example.com", Password);

        var failures = await Task.WhenAll(Enumerable.Range(0, 5).Select(async i =>
        {
            var client = i % 2 == 0 ? clientA : clientB;
            using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "lock@example.com", password = "wrong password " + i });
            return response.StatusCode;
        }));
        failures.ShouldAllBe(s => s == HttpStatusCode.Unauthorized);

        using var locked = await clientB.PostAsJsonAsync("/api/v1/auth/login", new { email = "lock@example.com", password = Password });
        locked.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "five concurrent failures across two instances lock the account");
    }

    [Fact]
    public async Task Twenty_parallel_refreshes_across_both_instances_within_the_reuse_interval_all_get_working_tokens_of_the_live_session()
    {
        using var a = Instance();
        using var b = Instance();
        using var clientA = a.CreateClient();
        using var clientB = b.CreateClient();
        await a.RegisterAsync(clientA, "tabs@example.com", Password);
        var tokens = await a.LoginAsync(clientA, "tabs@example.com", Password);

        var refresh = tokens.Text("refreshToken");
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            var client = i % 2 == 0 ? clientA : clientB;
            using var response = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = refresh });
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            response.Headers.CacheControl!.NoStore.ShouldBeTrue();
            return await response.ReadJsonAsync();
        }));

        answers.ShouldAllBe(t => t.Text("sessionId") == tokens.Text("sessionId"));
        a.Audit.Events.Concat(b.Audit.Events).ShouldNotContain(e => e.Action == "auth.refresh.reuse_detected");
        for (var i = 0; i < answers.Length; i++)
        {
            var (host, client) = i % 2 == 0 ? (b, clientB) : (a, clientA);
            using var me = await client.SendAsync(host.Authorized(HttpMethod.Get, "/api/v1/auth/me", answers[i].Text("accessToken")));
            me.StatusCode.ShouldBe(HttpStatusCode.OK, "every caller's access token works, on either instance");
            using var next = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = answers[i].Text("refreshToken") });
            next.StatusCode.ShouldBe(HttpStatusCode.OK, "every caller's refresh token rotates: the session is alive");
        }
    }

    private AuthTestHost Instance(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Foundation:Database:Provider"] = "PostgreSql",
            ["Foundation:Database:ConnectionString"] = _connectionString,
            ["Foundation:DataProtection:KeysDirectory"] = Path.Combine(_shared.Path, "keys"),
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return new AuthTestHost(settings);
    }
}
