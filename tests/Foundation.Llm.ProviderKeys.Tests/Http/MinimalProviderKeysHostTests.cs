using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using Foundation.Abstractions.Authorization;
using Foundation.Llm.Routing.Storage;
using Foundation.Security;
using Foundation.Testing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Foundation.Llm.ProviderKeys.Tests.Http;

/// <summary>
/// A host with Foundation.Llm.Routing and Foundation.Llm.ProviderKeys alone (no Foundation.Hosting, no Foundation.Auth):
/// <c>AddFoundationLlmRouting().AddProviderKeyStore().UseSqlite/UseNpgsql(..., migrateOnStartup: true)</c>, an
/// <see cref="ISecretProtector"/> on Data Protection, a test authentication scheme issuing <c>sub</c>/<c>sid</c>/<c>tenant</c>/role
/// claims and the two policies under the <see cref="FoundationPolicies"/> names, then only <c>MapFoundationLlmProviderKeysApi()</c>,
/// on Kestrel at 127.0.0.1.
/// </summary>
public abstract class MinimalProviderKeysHostTests(TestDatabaseEngine engine) : IAsyncLifetime
{
    private const string Tenant = "t-minimal";
    private const string ApiKey = "sk-minimal-host-0123456789abcd";

    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        await engine.CreateAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication(TestClaimsHandler.Name).AddScheme<AuthenticationSchemeOptions, TestClaimsHandler>(TestClaimsHandler.Name, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(FoundationPolicies.UserSession, p => p.RequireAuthenticatedUser().RequireClaim("sub").RequireClaim("sid"))
            .AddPolicy(FoundationPolicies.Admin, p => p.RequireRole("admin", "owner"));
        builder.Services.AddProblemDetails();
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddSingleton<ISecretProtector, DataProtectionProtector>();
        var store = builder.Services.AddFoundationLlmRouting(builder.Configuration).AddProviderKeyStore(builder.Configuration);
        _ = engine.Provider == "sqlite"
            ? store.UseSqlite(engine.ConnectionString, migrateOnStartup: true)
            : store.UseNpgsql(engine.ConnectionString, migrateOnStartup: true);

        _app = builder.Build();
        _app.UseAuthentication();
        _app.UseAuthorization();
        _app.MapFoundationLlmProviderKeysApi();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _client = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        await engine.DropAsync();
    }

    [Fact]
    public async Task A_member_creates_lists_and_deletes_their_key_and_only_a_hint_is_ever_shown()
    {
        var user = Guid.NewGuid().ToString();
        using var created = await _client.SendAsync(As(user, "member", HttpMethod.Post, "/api/v1/provider-keys",
            new { provider = "openai", name = "mine", apiKey = ApiKey }));
        var createdBody = await created.Content.ReadAsStringAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Created, createdBody);
        createdBody.ShouldNotContain(ApiKey);
        var info = JsonNode.Parse(createdBody)!;
        var id = info["id"]!.GetValue<Guid>();
        info["scope"]!.GetValue<string>().ShouldBe("user");
        info["keyHint"]!.GetValue<string>().ShouldEndWith("abcd");
        created.Headers.Location!.ToString().ShouldBe($"/api/v1/provider-keys/{id}");

        // Stored encrypted, for this user in this tenant.
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var row = await scope.ServiceProvider.GetRequiredService<LlmDbContext>().ProviderKeys.AsNoTracking().SingleAsync(k => k.Id == id);
            row.ProtectedKey.ShouldNotContain(ApiKey);
            row.TenantId.ShouldBe(Tenant);
            row.OwnerUserId.ShouldBe(user);
            scope.ServiceProvider.GetRequiredService<ISecretProtector>().Unprotect(ProviderKeyService.ProtectionPurpose, row.ProtectedKey).ShouldBe(ApiKey);
        }

        using (var listed = await _client.SendAsync(As(user, "member", HttpMethod.Get, "/api/v1/provider-keys")))
        {
            var listBody = await listed.Content.ReadAsStringAsync();
            listed.StatusCode.ShouldBe(HttpStatusCode.OK, listBody);
            listBody.ShouldNotContain(ApiKey);
            var keys = JsonNode.Parse(listBody)!.AsArray();
            keys.Count.ShouldBe(1);
            keys[0]!["id"]!.GetValue<Guid>().ShouldBe(id);
            keys[0]!["name"]!.GetValue<string>().ShouldBe("mine");
            keys[0]!["keyHint"]!.GetValue<string>().ShouldBe(info["keyHint"]!.GetValue<string>());
        }

        // Another user of the same tenant neither sees nor deletes it.
        var other = Guid.NewGuid().ToString();
        using (var otherList = await _client.SendAsync(As(other, "member", HttpMethod.Get, "/api/v1/provider-keys")))
        {
            JsonNode.Parse(await otherList.Content.ReadAsStringAsync())!.AsArray().ShouldBeEmpty();
        }

        using (var otherDelete = await _client.SendAsync(As(other, "member", HttpMethod.Delete, $"/api/v1/provider-keys/{id}")))
        {
            otherDelete.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        using (var deleted = await _client.SendAsync(As(user, "member", HttpMethod.Delete, $"/api/v1/provider-keys/{id}")))
        {
            deleted.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        using (var after = await _client.SendAsync(As(user, "member", HttpMethod.Get, "/api/v1/provider-keys")))
        {
            JsonNode.Parse(await after.Content.ReadAsStringAsync())!.AsArray().ShouldBeEmpty();
        }

        using (var again = await _client.SendAsync(As(user, "member", HttpMethod.Delete, $"/api/v1/provider-keys/{id}")))
        {
            again.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task A_non_admin_creating_a_tenant_key_is_403_and_nothing_is_stored_while_an_admin_may()
    {
        var member = Guid.NewGuid().ToString();
        using (var refused = await _client.SendAsync(As(member, "member", HttpMethod.Post, "/api/v1/provider-keys",
            new { provider = "anthropic", name = "shared", apiKey = ApiKey, scope = "tenant" })))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            refused.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        }

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            (await scope.ServiceProvider.GetRequiredService<LlmDbContext>().ProviderKeys.CountAsync()).ShouldBe(0);
        }

        using (var allowed = await _client.SendAsync(As(Guid.NewGuid().ToString(), "admin", HttpMethod.Post, "/api/v1/provider-keys",
            new { provider = "anthropic", name = "shared", apiKey = ApiKey, scope = "tenant" })))
        {
            allowed.StatusCode.ShouldBe(HttpStatusCode.Created, await allowed.Content.ReadAsStringAsync());
        }

        // The member sees the tenant's key, as a hint.
        using var listed = await _client.SendAsync(As(member, "member", HttpMethod.Get, "/api/v1/provider-keys"));
        var keys = JsonNode.Parse(await listed.Content.ReadAsStringAsync())!.AsArray();
        keys.Single()!["scope"]!.GetValue<string>().ShouldBe("tenant");
    }

    [Fact]
    public async Task Invalid_input_is_a_400_naming_the_field_and_no_session_is_401()
    {
        using (var invalid = await _client.SendAsync(As(Guid.NewGuid().ToString(), "member", HttpMethod.Post, "/api/v1/provider-keys",
            new { provider = "openai", name = "no key" })))
        {
            invalid.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            JsonNode.Parse(await invalid.Content.ReadAsStringAsync())!["field"]!.GetValue<string>().ShouldBe("apiKey");
        }

        using var anonymous = await _client.GetAsync(new Uri("/api/v1/provider-keys", UriKind.Relative));
        anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    private static HttpRequestMessage As(string user, string role, HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add(TestClaimsHandler.Header, $"{user};{Tenant};{role}");
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    /// <summary>A host's own <see cref="ISecretProtector"/> on ASP.NET Core Data Protection.</summary>
    private sealed class DataProtectionProtector(IDataProtectionProvider provider) : ISecretProtector
    {
        public string Protect(string purpose, string plaintext) => provider.CreateProtector(purpose).Protect(plaintext);

        public string Unprotect(string purpose, string protectedValue) => provider.CreateProtector(purpose).Unprotect(protectedValue);
    }

    /// <summary>A host's own authentication: <c>X-Test-Caller: user;tenant;role</c> becomes sub, sid, tenant and role claims.</summary>
    private sealed class TestClaimsHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string Name = "TestClaims";
        public const string Header = "X-Test-Caller";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var parts = Request.Headers[Header].ToString().Split(';');
            if (parts.Length != 3)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity(
                [new Claim("sub", parts[0]), new Claim("sid", Guid.NewGuid().ToString()), new Claim("tenant", parts[1]), new Claim(ClaimTypes.Role, parts[2])],
                Name);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Name)));
        }
    }
}

public sealed class MinimalProviderKeysHostOnSqliteTests() : MinimalProviderKeysHostTests(new SqliteTestEngine("foundation-provider-keys-host", "Pooling=False", wal: false));

public sealed class MinimalProviderKeysHostOnPostgresTests() : MinimalProviderKeysHostTests(new PostgresTestEngine("foundation_provider_keys_host"));
