using System.Net;
using System.Text.Json;
using Foundation.Callers;
using Foundation.Hosting.Tests.Infrastructure;
using Foundation.Llm.Routing.Credentials;
using Foundation.Llm.Routing.Providers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Foundation.Hosting.Tests.Llm;

/// <summary>
/// <c>/api/v1/provider-keys</c> end to end on SQLite and on PostgreSQL: create, list (a hint, never the key), delete, the
/// live check against a loopback fake provider, validation, scopes and tenants, audit, and the credential resolver the
/// router consults.
/// </summary>
public abstract class ProviderKeyEndpointTests : IAsyncLifetime
{
    private WebApplication? _fake;
    private Uri _fakeBase = null!;
    private LlmTestHost _host = null!;

    protected abstract Task<IReadOnlyDictionary<string, string?>> DatabaseSettingsAsync();

    protected virtual Task DropDatabaseAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _fake = FakeProvider();
        await _fake.StartAsync();
        _fakeBase = new Uri(_fake.Urls.First() + "/v1");
        var settings = new Dictionary<string, string?>(await DatabaseSettingsAsync()) { ["Foundation:Llm:ProviderKeys:AllowPrivateNetworkBaseUrls"] = "true" };
        _host = new LlmTestHost(settings: settings);
    }

    public async Task DisposeAsync()
    {
        _host.Dispose();
        if (_fake is not null)
        {
            await _fake.DisposeAsync();
        }

        await DropDatabaseAsync();
    }

    [Fact]
    public async Task Create_list_test_and_delete_a_user_key()
    {
        using var client = _host.CreateClient();
        var token = await _host.SignInAsync(client, "owner@example.com");

        using var created = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/provider-keys", token,
            new { provider = "openai", name = "my openai", apiKey = "sk-proj-GOODKEY0000000000abcd", baseUrl = _fakeBase.AbsoluteUri }));
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var key = await created.ReadJsonAsync();
        var id = key.Text("id");
        created.Headers.Location!.ToString().ShouldBe($"/api/v1/provider-keys/{id}");
        key.Text("provider").ShouldBe("openai");
        key.Text("scope").ShouldBe("user");
        key.Text("keyHint").ShouldBe("sk-proj-...abcd");
        key.TryGetProperty("apiKey", out _).ShouldBeFalse();
        (await created.Content.ReadAsStringAsync()).ShouldNotContain("GOODKEY");

        using (var list = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Get, "/api/v1/provider-keys", token)))
        {
            var text = await list.Content.ReadAsStringAsync();
            list.StatusCode.ShouldBe(HttpStatusCode.OK);
            text.ShouldNotContain("GOODKEY");
            var items = JsonDocument.Parse(text).RootElement;
            items.GetArrayLength().ShouldBe(1);
            items[0].Text("keyHint").ShouldBe("sk-proj-...abcd");
        }

        using (var test = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, $"/api/v1/provider-keys/{id}/test", token)))
        {
            test.StatusCode.ShouldBe(HttpStatusCode.OK, await test.Content.ReadAsStringAsync());
            var result = await test.ReadJsonAsync();
            result.GetProperty("ok").GetBoolean().ShouldBeTrue();
            result.GetProperty("status").GetInt32().ShouldBe(200);
            result.GetProperty("latencyMs").GetInt64().ShouldBeGreaterThanOrEqualTo(0);
            result.Text("message").ShouldContain("accepted");
        }

        using (var list = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Get, "/api/v1/provider-keys", token)))
        {
            var item = (await list.ReadJsonAsync())[0];
            item.GetProperty("lastTestOk").GetBoolean().ShouldBeTrue();
            item.GetProperty("lastTestedAt").ValueKind.ShouldBe(JsonValueKind.String);
        }

        using (var deleted = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Delete, $"/api/v1/provider-keys/{id}", token)))
        {
            deleted.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        using (var again = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Delete, $"/api/v1/provider-keys/{id}", token)))
        {
            await again.ShouldBeProblemAsync(404);
        }

        var actions = _host.Audit.Events.Where(e => e.Action.StartsWith("llm.", StringComparison.Ordinal)).Select(e => e.Action).ToList();
        actions.ShouldBe(["llm.provider_key.created", "llm.provider_key.tested", "llm.provider_key.deleted"]);
        _host.Audit.Events.Where(e => e.Action.StartsWith("llm.", StringComparison.Ordinal))
            .ShouldAllBe(e => e.TargetId == id && e.Data.Values.All(v => v == null || !v.Contains("GOODKEY")));
    }

    [Fact]
    public async Task The_live_check_reports_a_refused_key_and_checks_anthropic_with_its_headers()
    {
        using var client = _host.CreateClient();
        var token = await _host.SignInAsync(client, "owner@example.com");

        var bad = await CreateAsync(client, token, new { provider = "custom", name = "local", apiKey = "wrong-key-0000000000", baseUrl = _fakeBase.AbsoluteUri });
        using (var test = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, $"/api/v1/provider-keys/{bad}/test", token)))
        {
            var result = await test.ReadJsonAsync();
            result.GetProperty("ok").GetBoolean().ShouldBeFalse();
            result.GetProperty("status").GetInt32().ShouldBe(401);
            result.Text("message").ShouldContain("refused");
        }

        var anthropic = await CreateAsync(client, token, new { provider = "anthropic", apiKey = "sk-ant-api03-GOODKEY0000wxyz", baseUrl = _fakeBase.AbsoluteUri });
        using (var test = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, $"/api/v1/provider-keys/{anthropic}/test", token)))
        {
            var result = await test.ReadJsonAsync();
            result.GetProperty("ok").GetBoolean().ShouldBeTrue(result.ToString());
        }

        _host.Audit.Events.Single(e => e.Action == "llm.provider_key.tested" && e.TargetId == bad).Outcome.ShouldBe(Foundation.Auditing.AuditOutcome.Failure);
    }

    [Theory]
    [InlineData("""{"provider":"gemini","apiKey":"k-000000000000"}""", "provider")]
    [InlineData("""{"apiKey":"k-000000000000"}""", "provider")]
    [InlineData("""{"provider":"openai","apiKey":"  "}""", "apiKey")]
    [InlineData("""{"provider":"openai"}""", "apiKey")]
    [InlineData("""{"provider":"openai","apiKey":"has space inside"}""", "apiKey")]
    [InlineData("""{"provider":"openai","apiKey":"k","baseUrl":"not a url"}""", "baseUrl")]
    [InlineData("""{"provider":"openai","apiKey":"k","baseUrl":"ftp://example.com/v1"}""", "baseUrl")]
    [InlineData("""{"provider":"openai","apiKey":"k","baseUrl":"/v1"}""", "baseUrl")]
    [InlineData("""{"provider":"custom","apiKey":"k"}""", "baseUrl")]
    [InlineData("""{"provider":"openai","apiKey":"k","scope":"planet"}""", "scope")]
    public async Task Invalid_input_is_a_400_naming_the_field(string body, string field)
    {
        using var client = _host.CreateClient();
        var token = await _host.SignInAsync(client, "owner@example.com");
        var request = LlmTestHost.RawJson("/api/v1/provider-keys", token, body);

        using var response = await client.SendAsync(request);

        var problem = await response.ShouldBeProblemAsync(400);
        problem.Text("field").ShouldBe(field);
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue();
    }

    [Fact]
    public async Task A_key_over_2048_characters_is_a_400_naming_apiKey()
    {
        using var client = _host.CreateClient();
        var token = await _host.SignInAsync(client, "owner@example.com");
        using var response = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/provider-keys", token, new { provider = "openai", apiKey = new string('k', 2049) }));
        (await response.ShouldBeProblemAsync(400)).Text("field").ShouldBe("apiKey");
    }

    [Fact]
    public async Task Tenant_keys_need_an_admin_and_keys_of_others_are_404()
    {
        using var client = _host.CreateClient();
        var owner = await _host.SignInAsync(client, "owner@example.com");
        var member = await _host.SignInAsync(client, "member@example.com");
        var stranger = await _host.SignInAsync(client, "owner@acme.example", tenant: "acme");

        using (var refused = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/provider-keys", member, new { provider = "openai", apiKey = "sk-member-0000000000", scope = "tenant" })))
        {
            await refused.ShouldBeProblemAsync(403);
        }

        var tenantKey = await CreateAsync(client, owner, new { provider = "openai", apiKey = "sk-tenant-00000000001111", scope = "tenant" });
        var ownerKey = await CreateAsync(client, owner, new { provider = "anthropic", apiKey = "sk-ant-owner-0000002222" });

        // The member sees the tenant's key (not the owner's own) and may test it, not delete it.
        using (var list = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Get, "/api/v1/provider-keys", member)))
        {
            var items = await list.ReadJsonAsync();
            items.EnumerateArray().Select(i => (i.Text("id"), i.Text("scope"))).ShouldBe([(tenantKey, "tenant")]);
        }

        using (var delete = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Delete, $"/api/v1/provider-keys/{tenantKey}", member)))
        {
            await delete.ShouldBeProblemAsync(403);
        }

        foreach (var (caller, id) in new[] { (member, ownerKey), (stranger, ownerKey), (stranger, tenantKey) })
        {
            using var delete = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Delete, $"/api/v1/provider-keys/{id}", caller));
            await delete.ShouldBeProblemAsync(404);
            using var test = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, $"/api/v1/provider-keys/{id}/test", caller));
            await test.ShouldBeProblemAsync(404);
        }

        using (var list = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Get, "/api/v1/provider-keys", stranger)))
        {
            (await list.ReadJsonAsync()).GetArrayLength().ShouldBe(0);
        }

        using (var delete = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Delete, $"/api/v1/provider-keys/{tenantKey}", owner)))
        {
            delete.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }
    }

    [Fact]
    public async Task The_resolver_prefers_the_users_key_over_the_tenants_and_sees_deletions_at_once()
    {
        using var client = _host.CreateClient();
        var owner = await _host.SignInAsync(client, "owner@example.com");
        var member = await _host.SignInAsync(client, "member@example.com");
        var memberId = await UserIdAsync(client, member);
        var tenantKey = await CreateAsync(client, owner, new { provider = "openai", apiKey = "sk-tenant-00000000001111", scope = "tenant" });
        var resolver = _host.Factory.Services.GetRequiredService<IProviderCredentialResolver>();
        var caller = new FixedCaller(memberId, null);

        (await resolver.ResolveAsync(caller, "openai", LlmProviderType.OpenAI))!.ApiKey.ShouldBe("sk-tenant-00000000001111");
        (await resolver.ResolveAsync(caller, "claude", LlmProviderType.Anthropic)).ShouldBeNull();

        var own = await CreateAsync(client, member, new { provider = "openai", apiKey = "sk-member-00000000002222" });
        var credential = await resolver.ResolveAsync(caller, "openai", LlmProviderType.OpenAI);
        credential!.Id.ToString().ShouldBe(own);
        credential.ApiKey.ShouldBe("sk-member-00000000002222");
        credential.ToString().ShouldNotContain("sk-member");

        // A custom key serves the OpenAI-compatible provider named like it, with its base URL.
        await CreateAsync(client, member, new { provider = "custom", name = "local", apiKey = "local-key-000000000", baseUrl = _fakeBase.AbsoluteUri });
        var local = await resolver.ResolveAsync(caller, "local", LlmProviderType.OpenAICompatible);
        local!.BaseUrl.ShouldBe(_fakeBase);
        (await resolver.ResolveAsync(caller, "elsewhere", LlmProviderType.OpenAICompatible)).ShouldBeNull();

        using (var delete = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Delete, $"/api/v1/provider-keys/{own}", member)))
        {
            delete.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        (await resolver.ResolveAsync(caller, "openai", LlmProviderType.OpenAI))!.Id.ToString().ShouldBe(tenantKey);
        (await resolver.ResolveAsync(new FixedCaller(memberId, "acme"), "openai", LlmProviderType.OpenAI)).ShouldBeNull("another tenant's keys never serve");
    }

    private static async Task<string> CreateAsync(HttpClient client, string token, object body)
    {
        using var created = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/provider-keys", token, body));
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (await created.ReadJsonAsync()).Text("id");
    }

    private static async Task<string> UserIdAsync(HttpClient client, string token)
    {
        using var me = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Get, "/api/v1/auth/me", token));
        return (await me.ReadJsonAsync()).Text("id");
    }

    /// <summary>A provider on loopback: <c>/v1/models</c> answers 200 to the right key (Bearer or Anthropic's headers), 401 otherwise.</summary>
    private static WebApplication FakeProvider()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/v1/models", (HttpContext http) =>
        {
            var bearer = http.Request.Headers.Authorization.ToString();
            var anthropic = http.Request.Headers["x-api-key"].ToString();
            var ok = bearer.StartsWith("Bearer ", StringComparison.Ordinal) && bearer.Contains("GOODKEY", StringComparison.Ordinal)
                || (anthropic.Contains("GOODKEY", StringComparison.Ordinal) && http.Request.Headers["anthropic-version"] == "2023-06-01");
            return ok ? Results.Json(new { @object = "list", data = Array.Empty<object>() }) : Results.Json(new { error = new { message = "bad key" } }, statusCode: 401);
        });
        return app;
    }

    private sealed class FixedCaller(string userId, string? tenantId) : ICurrentCaller
    {
        public string? UserId => userId;

        public string? TenantId => tenantId;

        public IReadOnlyList<string> Roles => [];

        public string? RequestId => null;
    }
}

public sealed class ProviderKeyEndpointSqliteTests : ProviderKeyEndpointTests
{
    protected override Task<IReadOnlyDictionary<string, string?>> DatabaseSettingsAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?>());
}

public sealed class ProviderKeyEndpointPostgresTests : ProviderKeyEndpointTests
{
    private readonly string _database = "fnd_llm_" + Guid.NewGuid().ToString("N")[..12];

    protected override async Task<IReadOnlyDictionary<string, string?>> DatabaseSettingsAsync()
    {
        var connectionString = await TestPostgresDatabase.CreateAsync(_database);
        return new Dictionary<string, string?>
        {
            ["Foundation:Database:Provider"] = "PostgreSql",
            ["Foundation:Database:ConnectionString"] = connectionString,
        };
    }

    protected override async Task DropDatabaseAsync()
    {
        await TestPostgresDatabase.DropAsync(_database);
    }
}
