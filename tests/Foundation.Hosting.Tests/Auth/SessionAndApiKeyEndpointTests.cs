using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Foundation.Auth.ApiKeys;
using Foundation.Hosting.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Hosting.Tests.Auth;

/// <summary>Sessions and API keys over HTTP, including tenant isolation and bad input.</summary>
public sealed class SessionAndApiKeyEndpointTests : IDisposable
{
    private const string Password = "correct horse battery staple";
    private readonly AuthTestHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task Sessions_are_listed_with_devices_and_can_be_revoked_one_or_all()
    {
        using var client = _host.CreateClient();
        await _host.RegisterAsync(client, "s@example.com", Password);
        var laptop = await LoginWithAgentAsync(client, "s@example.com", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36");
        var phone = await LoginWithAgentAsync(client, "s@example.com", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1");
        var tablet = await LoginWithAgentAsync(client, "s@example.com", "curl/8.5.0");

        using var list = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/sessions", laptop.Text("accessToken")));
        list.StatusCode.ShouldBe(HttpStatusCode.OK);
        var sessions = (await list.ReadJsonAsync()).EnumerateArray().ToList();
        sessions.Count.ShouldBe(3);
        sessions.Single(s => s.GetProperty("isCurrent").GetBoolean()).Text("id").ShouldBe(laptop.Text("sessionId"));
        sessions.Select(s => s.GetProperty("device").GetProperty("deviceType").GetString()).ShouldBe(["other", "mobile", "desktop"], ignoreOrder: true);

        using var stats = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/sessions/stats", laptop.Text("accessToken")));
        (await stats.ReadJsonAsync()).GetProperty("activeSessions").GetInt32().ShouldBe(3);

        using var revokePhone = await client.SendAsync(_host.Authorized(HttpMethod.Delete, $"/api/v1/sessions/{phone.Text("sessionId")}", laptop.Text("accessToken")));
        revokePhone.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        using var phoneMe = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/auth/me", phone.Text("accessToken")));
        phoneMe.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        using var unknown = await client.SendAsync(_host.Authorized(HttpMethod.Delete, $"/api/v1/sessions/{Guid.NewGuid()}", laptop.Text("accessToken")));
        await unknown.ShouldBeProblemAsync(404);
        using var notAGuid = await client.SendAsync(_host.Authorized(HttpMethod.Delete, "/api/v1/sessions/not-a-guid", laptop.Text("accessToken")));
        ((int)notAGuid.StatusCode).ShouldBeInRange(400, 405);

        using var others = await client.SendAsync(_host.Authorized(HttpMethod.Delete, "/api/v1/sessions", laptop.Text("accessToken")));
        (await others.ReadJsonAsync()).GetProperty("revoked").GetInt32().ShouldBe(1);
        using var tabletMe = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/auth/me", tablet.Text("accessToken")));
        tabletMe.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var laptopMe = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/auth/me", laptop.Text("accessToken")));
        laptopMe.StatusCode.ShouldBe(HttpStatusCode.OK);

        using var all = await client.SendAsync(_host.Authorized(HttpMethod.Delete, "/api/v1/sessions?all=true", laptop.Text("accessToken")));
        (await all.ReadJsonAsync()).GetProperty("revoked").GetInt32().ShouldBe(1);
        using var afterAll = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/auth/me", laptop.Text("accessToken")));
        afterAll.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_api_key_is_shown_once_authenticates_in_both_headers_and_obeys_its_lifecycle()
    {
        using var client = _host.CreateClient();
        await _host.RegisterAsync(client, "k@example.com", Password);
        var user = await _host.LoginAsync(client, "k@example.com", Password);
        var token = user.Text("accessToken");

        using var created = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/api-keys", token, new { name = "ci", scopes = new[] { "llm:chat" } }));
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var key = await created.ReadJsonAsync();
        var full = key.Text("key");
        full.ShouldStartWith("fnd_" + key.Text("keyId") + "_");
        var id = key.Text("id");

        using var listed = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/api-keys", token));
        var listText = await listed.Content.ReadAsStringAsync();
        listText.ShouldContain(key.Text("keyId"));
        listText.ShouldNotContain(full, Case.Sensitive, "the secret is never shown again");

        (await MeWithKeyAsync(client, full, header: "Authorization")).ShouldBe(HttpStatusCode.OK);
        (await MeWithKeyAsync(client, full, header: "X-API-Key")).ShouldBe(HttpStatusCode.OK);
        (await MeWithKeyAsync(client, full[..^2] + "xx", header: "X-API-Key")).ShouldBe(HttpStatusCode.Unauthorized);

        using var keyCannotMakeKeys = new HttpRequestMessage(HttpMethod.Post, "/api/v1/api-keys") { Content = JsonContent.Create(new { name = "escalate" }) };
        keyCannotMakeKeys.Headers.TryAddWithoutValidation("X-API-Key", full);
        using var refused = await client.SendAsync(keyCannotMakeKeys);
        await refused.ShouldBeProblemAsync(403);

        using var off = await client.SendAsync(_host.Authorized(HttpMethod.Post, $"/api/v1/api-keys/{id}/deactivate", token));
        (await off.ReadJsonAsync()).GetProperty("isActive").GetBoolean().ShouldBeFalse();
        (await MeWithKeyAsync(client, full, header: "X-API-Key")).ShouldBe(HttpStatusCode.Unauthorized);

        using var on = await client.SendAsync(_host.Authorized(HttpMethod.Post, $"/api/v1/api-keys/{id}/activate", token));
        (await on.ReadJsonAsync()).GetProperty("isActive").GetBoolean().ShouldBeTrue();
        (await MeWithKeyAsync(client, full, header: "X-API-Key")).ShouldBe(HttpStatusCode.OK);

        // Uses are counted in memory and written in the background: flush to read them now.
        await _host.Factory.Services.GetRequiredService<ApiKeyUsageRecorder>().FlushAsync();
        using var got = await client.SendAsync(_host.Authorized(HttpMethod.Get, $"/api/v1/api-keys/{id}", token));
        (await got.ReadJsonAsync()).GetProperty("useCount").GetInt64().ShouldBe(4, "two checks of /me, the refused key creation, one more /me");

        using var deleted = await client.SendAsync(_host.Authorized(HttpMethod.Delete, $"/api/v1/api-keys/{id}", token));
        deleted.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await MeWithKeyAsync(client, full, header: "X-API-Key")).ShouldBe(HttpStatusCode.Unauthorized);
        using var gone = await client.SendAsync(_host.Authorized(HttpMethod.Get, $"/api/v1/api-keys/{id}", token));
        await gone.ShouldBeProblemAsync(404);
    }

    [Theory]
    [InlineData("{}", "name")]
    [InlineData("{\"name\": \"\"}", "name")]
    [InlineData("{\"name\": \"ok\", \"scopes\": [\"Bad Scope!\"]}", "scopes")]
    [InlineData("{\"name\": \"ok\", \"expiresAt\": \"2001-01-01T00:00:00Z\"}", "expiresAt")]
    public async Task Bad_api_key_requests_are_400s_naming_the_field_and_create_nothing(string json, string field)
    {
        using var client = _host.CreateClient();
        await _host.RegisterAsync(client, "bad@example.com", Password);
        var token = (await _host.LoginAsync(client, "bad@example.com", Password)).Text("accessToken");

        using var request = _host.Authorized(HttpMethod.Post, "/api/v1/api-keys", token);
        request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await client.SendAsync(request);
        (await response.ShouldBeProblemAsync(400)).Text("field").ShouldBe(field);

        using var list = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/api-keys", token));
        (await list.ReadJsonAsync()).GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Tenant_a_never_sees_or_touches_tenant_b_sessions_or_keys()
    {
        using var client = _host.CreateClient();
        await _host.RegisterAsync(client, "same@example.com", Password, tenant: "tenant-a");
        await _host.RegisterAsync(client, "same@example.com", Password, tenant: "tenant-b");
        var a = await _host.LoginAsync(client, "same@example.com", Password, tenant: "tenant-a");
        var b = await _host.LoginAsync(client, "same@example.com", Password, tenant: "tenant-b");

        using var createdB = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/api-keys", b.Text("accessToken"), new { name = "b-key" }));
        var keyB = await createdB.ReadJsonAsync();

        using var listA = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/api-keys", a.Text("accessToken")));
        (await listA.ReadJsonAsync()).GetArrayLength().ShouldBe(0);
        using var getB = await client.SendAsync(_host.Authorized(HttpMethod.Get, $"/api/v1/api-keys/{keyB.Text("id")}", a.Text("accessToken")));
        await getB.ShouldBeProblemAsync(404);
        using var deleteB = await client.SendAsync(_host.Authorized(HttpMethod.Delete, $"/api/v1/api-keys/{keyB.Text("id")}", a.Text("accessToken")));
        await deleteB.ShouldBeProblemAsync(404);
        using var offB = await client.SendAsync(_host.Authorized(HttpMethod.Post, $"/api/v1/api-keys/{keyB.Text("id")}/deactivate", a.Text("accessToken")));
        await offB.ShouldBeProblemAsync(404);

        using var sessionsA = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/sessions", a.Text("accessToken")));
        var ids = (await sessionsA.ReadJsonAsync()).EnumerateArray().Select(s => s.Text("id")).ToList();
        ids.ShouldBe([a.Text("sessionId")]);
        using var revokeB = await client.SendAsync(_host.Authorized(HttpMethod.Delete, $"/api/v1/sessions/{b.Text("sessionId")}", a.Text("accessToken")));
        await revokeB.ShouldBeProblemAsync(404);
        using var meB = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/auth/me", b.Text("accessToken")));
        meB.StatusCode.ShouldBe(HttpStatusCode.OK, "tenant B's session survived tenant A's attempts");
        (await meB.ReadJsonAsync()).Text("tenantId").ShouldBe("tenant-b");
    }

    private async Task<JsonElement> LoginWithAgentAsync(HttpClient client, string email, string userAgent)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = JsonContent.Create(new { email, password = Password }) };
        request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        using var response = await client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await response.ReadJsonAsync();
    }

    private static async Task<HttpStatusCode> MeWithKeyAsync(HttpClient client, string key, string header)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/me");
        request.Headers.TryAddWithoutValidation(header, header == "Authorization" ? "Bearer " + key : key);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
