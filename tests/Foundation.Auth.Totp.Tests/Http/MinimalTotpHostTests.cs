using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Foundation.Auth.Totp.Encoding;
using Foundation.Auth.Totp.Tests.Infrastructure;
using Foundation.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TotpCode = Foundation.Auth.Totp.Otp.Totp;

namespace Foundation.Auth.Totp.Tests.Http;

/// <summary>
/// Foundation.Auth.Totp's HTTP API in a host without Foundation.Hosting: AddFoundationAuth + AddFoundationTotp,
/// UseFoundationSecondFactorEnrolment, MapFoundationAuthApi + MapFoundationTotpApi, on real SQLite files.
/// </summary>
public sealed class MinimalTotpHostTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private readonly string _authPath = Path.Combine(Path.GetTempPath(), $"foundation-totp-http-auth-{Guid.NewGuid():N}.db");
    private readonly string _totpPath = Path.Combine(Path.GetTempPath(), $"foundation-totp-http-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _clock = TestClock.Create();
    private WebApplication? _app;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration["Foundation:Auth:Totp:RequiredForRoles:0"] = "admin";
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.Services.AddSingleton<ISecretProtector, TestSecretProtector>();
        builder.Services.AddProblemDetails();
        builder.Services.AddFoundationAuth(builder.Configuration).UseSqlite($"Data Source={_authPath};Pooling=False", migrateOnStartup: true);
        builder.Services.AddFoundationTotp(builder.Configuration).UseSqlite($"Data Source={_totpPath};Pooling=False", migrateOnStartup: true);
        builder.Services.AddAuthorization();

        _app = builder.Build();
        _app.UseAuthentication();
        _app.UseFoundationSecondFactorEnrolment();
        _app.UseAuthorization();
        _app.MapFoundationAuthApi();
        _app.MapFoundationTotpApi();
        _app.MapGet("/owner-only", () => "ok").RequireAuthorization();
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
        File.Delete(_authPath);
        File.Delete(_totpPath);
    }

    [Fact]
    public async Task Setup_enable_and_login_completion_work_without_Foundation_Hosting()
    {
        // The first account of the tenant is its owner, a role above admin: it must enrol before anything else.
        (await PostAsync("/api/v1/auth/register", null, new { email = "ada@example.com", password = Password })).Dispose();
        var token = (await JsonAsync(await PostAsync("/api/v1/auth/login", null, new { email = "ada@example.com", password = Password }))).GetProperty("accessToken").GetString()!;

        using (var blocked = await SendAsync(HttpMethod.Get, "/owner-only", token))
        {
            blocked.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            var problem = await JsonAsync(blocked);
            problem.GetProperty("reason").GetString().ShouldBe("second_factor_enrolment_required");
            problem.GetProperty("enrolUrl").GetString().ShouldBe("/api/v1/totp/setup");
        }

        using var setup = await PostAsync("/api/v1/totp/setup", token, null);
        setup.StatusCode.ShouldBe(HttpStatusCode.OK, await setup.Content.ReadAsStringAsync());
        setup.Headers.CacheControl!.NoStore.ShouldBeTrue("the TOTP group carries no-store from inside the package");
        var secret = Base32.Decode((await JsonAsync(setup)).GetProperty("secret").GetString()!);

        using var enable = await PostAsync("/api/v1/totp/enable", token, new { code = Code(secret) });
        enable.StatusCode.ShouldBe(HttpStatusCode.OK, await enable.Content.ReadAsStringAsync());
        (await JsonAsync(enable)).GetProperty("recoveryCodes").GetArrayLength().ShouldBe(10);
        using (var allowed = await SendAsync(HttpMethod.Get, "/owner-only", token))
        {
            allowed.StatusCode.ShouldBe(HttpStatusCode.OK, "enabling evicted the enrolment cache at once");
        }

        _clock.Advance(TimeSpan.FromSeconds(30));
        var challenge = await JsonAsync(await PostAsync("/api/v1/auth/login", null, new { email = "ada@example.com", password = Password }));
        challenge.GetProperty("secondFactorRequired").GetBoolean().ShouldBeTrue();

        using var wrong = await PostAsync("/api/v1/totp/verify", null, new { challengeToken = challenge.GetProperty("challengeToken").GetString(), code = "000000x" });
        wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await wrong.Content.ReadAsStringAsync());

        using var verify = await PostAsync("/api/v1/totp/verify", null, new { challengeToken = challenge.GetProperty("challengeToken").GetString(), code = Code(secret), rememberDevice = true });
        verify.StatusCode.ShouldBe(HttpStatusCode.OK, await verify.Content.ReadAsStringAsync());
        var tokens = await JsonAsync(verify);
        tokens.GetProperty("accessToken").GetString().ShouldNotBeNullOrWhiteSpace();
        tokens.GetProperty("deviceToken").GetString()!.ShouldStartWith("fnd_dev_");
        tokens.GetProperty("recoveryCodesLeft").GetInt32().ShouldBe(10);

        using var me = await SendAsync(HttpMethod.Get, "/api/v1/auth/me", tokens.GetProperty("accessToken").GetString()!);
        me.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_API_key_gets_the_user_session_problem_on_the_TOTP_group()
    {
        (await PostAsync("/api/v1/auth/register", null, new { email = "bob@example.com", password = Password })).Dispose();
        (await PostAsync("/api/v1/auth/register", null, new { email = "cy@example.com", password = Password })).Dispose();
        var token = (await JsonAsync(await PostAsync("/api/v1/auth/login", null, new { email = "cy@example.com", password = Password }))).GetProperty("accessToken").GetString()!;
        using var created = await PostAsync("/api/v1/api-keys", token, new { name = "ci" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var key = (await JsonAsync(created)).GetProperty("key").GetString()!;

        foreach (var (method, path) in new[] { (HttpMethod.Get, "/api/v1/totp/status"), (HttpMethod.Post, "/api/v1/totp/verify") })
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.TryAddWithoutValidation("X-API-Key", key);
            if (method == HttpMethod.Post)
            {
                request.Content = JsonContent.Create(new { code = "123456" });
            }

            using var refused = await _client.SendAsync(request);
            refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden, path);
            var problem = await JsonAsync(refused);
            problem.GetProperty("title").GetString().ShouldBe("A user session is required", path);
            problem.GetProperty("detail").GetString().ShouldBe("This endpoint needs a signed-in user's access token; API keys cannot use it.", path);
            problem.GetProperty("type").GetString().ShouldBe("https://tools.ietf.org/html/rfc9110#section-15.5.4", path);
        }
    }

    private string Code(byte[] secret) => TotpCode.Compute(secret, _clock.GetUtcNow());

    private Task<HttpResponseMessage> PostAsync(string path, string? token, object? body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body ?? new { }) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return _client.SendAsync(request);
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return _client.SendAsync(request);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        using (response)
        {
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }
    }
}
