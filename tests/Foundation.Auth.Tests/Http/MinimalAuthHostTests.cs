using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Foundation.Auth.Tests.Tokens;
using Foundation.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Foundation.Auth.Tests.Http;

/// <summary>
/// Foundation.Auth's HTTP API in a host without Foundation.Hosting: only AddFoundationAuth and MapFoundationAuthApi,
/// on a real SQLite file migrated at start.
/// </summary>
public sealed class MinimalAuthHostTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"foundation-auth-http-{Guid.NewGuid():N}.db");
    private WebApplication? _app;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(TestClock.CreateForTokens());
        builder.Services.AddSingleton<ISecretProtector, TestSecretProtector>();
        builder.Services.AddProblemDetails();
        builder.Services.AddFoundationAuth(new ConfigurationBuilder().Build())
            .UseSqlite($"Data Source={_path};Pooling=False", migrateOnStartup: true);
        builder.Services.AddAuthorization();

        _app = builder.Build();
        _app.UseAuthentication();
        _app.UseAuthorization();
        _app.MapFoundationAuthApi();
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }

    [Fact]
    public async Task Register_login_and_me_work_without_Foundation_Hosting()
    {
        using var register = await _client.PostAsJsonAsync("/api/v1/auth/register", new { email = "ada@example.com", password = "correct horse battery staple" });
        register.StatusCode.ShouldBe(HttpStatusCode.Created, await register.Content.ReadAsStringAsync());
        register.Headers.Location!.OriginalString.ShouldBe("/api/v1/auth/me");
        register.Headers.CacheControl!.NoStore.ShouldBeTrue("the auth group carries no-store from inside the package");

        using var login = await _client.PostAsJsonAsync("/api/v1/auth/login", new { email = "ada@example.com", password = "correct horse battery staple" });
        login.StatusCode.ShouldBe(HttpStatusCode.OK, await login.Content.ReadAsStringAsync());
        login.Headers.CacheControl!.NoStore.ShouldBeTrue();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;

        using var me = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/me");
        me.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var profile = await _client.SendAsync(me);
        profile.StatusCode.ShouldBe(HttpStatusCode.OK, await profile.Content.ReadAsStringAsync());
        (await profile.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("email").GetString().ShouldBe("ada@example.com");

        using var wrong = await _client.PostAsJsonAsync("/api/v1/auth/login", new { email = "ada@example.com", password = "not the password at all" });
        wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        wrong.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
        (await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().ShouldBe("Authentication failed");
    }

    [Fact]
    public async Task Organisations_are_created_and_listed_without_Foundation_Hosting()
    {
        using var register = await _client.PostAsJsonAsync("/api/v1/auth/register", new { email = "grace@example.com", password = "correct horse battery staple" });
        register.StatusCode.ShouldBe(HttpStatusCode.Created, await register.Content.ReadAsStringAsync());
        using var login = await _client.PostAsJsonAsync("/api/v1/auth/login", new { email = "grace@example.com", password = "correct horse battery staple" });
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;

        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/v1/organizations") { Content = JsonContent.Create(new { name = "Acme Research" }) };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var created = await _client.SendAsync(create);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        created.Headers.CacheControl!.NoStore.ShouldBeTrue();
        var organization = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = organization.GetProperty("id").GetString()!;
        organization.GetProperty("name").GetString().ShouldBe("Acme Research");
        organization.GetProperty("role").GetString().ShouldBe("owner");
        created.Headers.Location!.OriginalString.ShouldBe($"/api/v1/organizations/{Uri.EscapeDataString(id)}");

        using var list = new HttpRequestMessage(HttpMethod.Get, "/api/v1/organizations");
        list.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var mine = await _client.SendAsync(list);
        mine.StatusCode.ShouldBe(HttpStatusCode.OK, await mine.Content.ReadAsStringAsync());
        var ids = (await mine.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(o => o.GetProperty("id").GetString()).ToList();
        ids.ShouldContain(id);

        using var invalid = new HttpRequestMessage(HttpMethod.Post, "/api/v1/organizations") { Content = JsonContent.Create(new { name = "" }) };
        invalid.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var refused = await _client.SendAsync(invalid);
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        refused.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task An_API_key_gets_the_user_session_problem_on_every_session_group()
    {
        using var register = await _client.PostAsJsonAsync("/api/v1/auth/register", new { email = "bob@example.com", password = "correct horse battery staple" });
        register.StatusCode.ShouldBe(HttpStatusCode.Created);
        using var login = await _client.PostAsJsonAsync("/api/v1/auth/login", new { email = "bob@example.com", password = "correct horse battery staple" });
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;

        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/v1/api-keys") { Content = JsonContent.Create(new { name = "ci" }) };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var created = await _client.SendAsync(create);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;

        foreach (var (method, path) in new[] { (HttpMethod.Get, "/api/v1/sessions"), (HttpMethod.Get, "/api/v1/api-keys"), (HttpMethod.Post, "/api/v1/auth/logout") })
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.TryAddWithoutValidation("X-API-Key", key);
            using var refused = await _client.SendAsync(request);
            refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden, path);
            refused.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json", path);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            problem.GetProperty("title").GetString().ShouldBe("A user session is required", path);
            problem.GetProperty("detail").GetString().ShouldBe("This endpoint needs a signed-in user's access token; API keys cannot use it.", path);
            problem.GetProperty("type").GetString().ShouldBe("https://tools.ietf.org/html/rfc9110#section-15.5.4", path);
        }

        // The key itself still works where any caller may go.
        using var me = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/me");
        me.Headers.TryAddWithoutValidation("X-API-Key", key);
        using var profile = await _client.SendAsync(me);
        profile.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
