using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Foundation.Auth.Totp;
using Foundation.Auth.Totp.Encoding;
using Foundation.Auth.Authorization;
using Foundation.Auth.Totp.Authorization;
using Foundation.Hosting.Tests.Auth;
using Foundation.Hosting.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TotpCode = Foundation.Auth.Totp.Otp.Totp;

namespace Foundation.Hosting.Tests.Authorization;

/// <summary>
/// "2FA required for roles" (<c>Foundation:Auth:Totp:RequiredForRoles</c>) and the step-up requirement
/// (<c>RequireSecondFactor</c>), end to end over the sample host on SQLite, with a clock the test moves.
/// </summary>
public sealed class SecondFactorPolicyTests
{
    [Fact]
    public async Task A_user_of_a_required_role_without_2fa_gets_403_enrol_until_enabled_and_other_users_are_unaffected()
    {
        using var host = new PolicyHost(new() { ["Foundation:Auth:Totp:RequiredForRoles:0"] = "admin" });
        await SecondFactorScenarios.EnrolmentIsRequiredAsync(host);
    }

    [Fact]
    public async Task The_enrolment_state_is_cached_for_30_seconds_so_a_change_behind_the_endpoints_counts_after_that()
    {
        using var host = new PolicyHost(new() { ["Foundation:Auth:Totp:RequiredForRoles:0"] = "owner" });
        using var client = host.CreateClient();
        var ada = await host.EnrolAsync(client, "ada@example.com");
        (await host.StatusAsync(client, HttpMethod.Get, "/api/v1/sessions", ada.AccessToken)).ShouldBe(HttpStatusCode.OK);

        // Disabled through the service, not the endpoint: nothing in this process is told.
        using (var scope = host.Services.CreateScope())
        {
            host.Clock.Advance(TimeSpan.FromSeconds(31));
            await scope.ServiceProvider.GetRequiredService<TotpService>().DisableAsync(ada.UserId, host.Code(ada.Secret), null);
        }

        // The read from before the clock moved is stale now; this request reads again.
        (await host.StatusAsync(client, HttpMethod.Get, "/api/v1/sessions", ada.AccessToken)).ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_cached_answer_is_reused_within_30_seconds()
    {
        using var host = new PolicyHost(new() { ["Foundation:Auth:Totp:RequiredForRoles:0"] = "owner" });
        using var client = host.CreateClient();
        var ada = await host.EnrolAsync(client, "ada@example.com");
        host.Clock.Advance(TimeSpan.FromSeconds(30));
        (await host.StatusAsync(client, HttpMethod.Get, "/api/v1/sessions", ada.AccessToken)).ShouldBe(HttpStatusCode.OK);

        // Disabled through the service, not the endpoint: nothing in this process is told.
        using (var scope = host.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<TotpService>().DisableAsync(ada.UserId, host.Code(ada.Secret), null);
        }

        host.Clock.Advance(TimeSpan.FromSeconds(29));
        (await host.StatusAsync(client, HttpMethod.Get, "/api/v1/sessions", ada.AccessToken)).ShouldBe(HttpStatusCode.OK, "no database read within the 30 s");
        host.Clock.Advance(TimeSpan.FromSeconds(2));
        (await host.StatusAsync(client, HttpMethod.Get, "/api/v1/sessions", ada.AccessToken)).ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_custom_role_is_matched_exactly_and_built_in_roles_below_it_are_not_covered()
    {
        using var host = new PolicyHost(new()
        {
            ["Foundation:Auth:Totp:RequiredForRoles:0"] = "owner",
            ["Foundation:Auth:DefaultRoles:0"] = "admin",
        });
        using var client = host.CreateClient();
        var owner = await host.SignUpAsync(client, "ada@example.com");
        var admin = await host.SignUpAsync(client, "bob@example.com");

        (await host.StatusAsync(client, HttpMethod.Get, "/api/v1/sessions", owner)).ShouldBe(HttpStatusCode.Forbidden);
        (await host.StatusAsync(client, HttpMethod.Get, "/api/v1/sessions", admin)).ShouldBe(HttpStatusCode.OK, "owner is required, and an admin is below it");
    }

    [Fact]
    public async Task Foundation_tags_exactly_the_documented_endpoints_as_open_before_enrolment()
    {
        using var host = new PolicyHost([]);
        using var client = host.CreateClient();
        var endpoints = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        endpoints.Where(e => e.Metadata.GetMetadata<AllowWithoutSecondFactorEnrolmentAttribute>() is not null)
            .Select(e => e.RoutePattern.RawText).Order(StringComparer.Ordinal)
            .ShouldBe([
                "/api/v1/auth/logout",
                "/api/v1/auth/me",
                "/api/v1/totp/enable",
                "/api/v1/totp/setup",
                "/api/v1/totp/setup/qr.svg",
                "/api/v1/totp/status",
            ]);
        endpoints.Where(e => e.Metadata.GetMetadata<SecondFactorEnrolmentChangeMetadata>() is not null)
            .Select(e => e.RoutePattern.RawText).Order(StringComparer.Ordinal)
            .ShouldBe(["/api/v1/totp/disable", "/api/v1/totp/enable"]);
    }

    [Fact]
    public async Task A_step_up_counts_at_once_and_expires_after_the_window()
    {
        using var host = new PolicyHost([]);
        await SecondFactorScenarios.StepUpAsync(host);
    }

    [Fact]
    public async Task A_login_completed_with_the_code_meets_the_requirement_for_its_window()
    {
        using var host = new PolicyHost([]);
        using var client = host.CreateClient();
        var ada = await host.EnrolAsync(client, "ada@example.com");
        host.Clock.Advance(TimeSpan.FromSeconds(30));

        var login = await host.Inner.LoginAsync(client, "ada@example.com", PolicyHost.Password);
        using var verified = await client.PostAsJsonAsync("/api/v1/totp/verify", new { challengeToken = login.Text("challengeToken"), code = host.Code(ada.Secret) });
        verified.StatusCode.ShouldBe(HttpStatusCode.OK, await verified.Content.ReadAsStringAsync());
        var token = (await verified.ReadJsonAsync()).Text("accessToken");

        using (var report = await client.SendAsync(host.Inner.Authorized(HttpMethod.Get, "/api/v1/sample/secure-report", token)))
        {
            report.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await report.ReadJsonAsync()).GetProperty("secondFactorVerifiedAt").ValueKind.ShouldBe(JsonValueKind.String);
        }

        host.Clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(2));
        var problem = await host.ProblemAsync(client, "/api/v1/sample/secure-report", token, 403);
        problem.Text("reason").ShouldBe("second_factor_step_up_required");
    }

    [Fact]
    public async Task A_caller_without_the_role_gets_the_plain_forbidden_answer_not_a_step_up()
    {
        using var host = new PolicyHost([]);
        using var client = host.CreateClient();
        _ = await host.SignUpAsync(client, "ada@example.com");
        var member = await host.SignUpAsync(client, "bob@example.com");

        var problem = await host.ProblemAsync(client, "/api/v1/sample/secure-report", member, 403);
        problem.Text("reason").ShouldBe("forbidden");
    }

    [Fact]
    public async Task An_API_key_cannot_step_up_and_is_told_so()
    {
        using var host = new PolicyHost([]);
        using var client = host.CreateClient();
        var owner = await host.SignUpAsync(client, "ada@example.com");
        using var created = await client.SendAsync(host.Inner.Authorized(HttpMethod.Post, "/api/v1/api-keys", owner, new { name = "reports" }));
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var key = (await created.ReadJsonAsync()).Text("key");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/sample/secure-report");
        request.Headers.Add("X-API-Key", key);
        using var response = await client.SendAsync(request);
        var problem = await response.ShouldBeProblemAsync(403);
        problem.Text("reason").ShouldBe("second_factor_step_up_required");
        problem.Text("detail").ShouldContain("API key");
    }

    [Fact]
    public async Task Anonymous_callers_of_a_step_up_endpoint_get_401()
    {
        using var host = new PolicyHost([]);
        using var client = host.CreateClient();
        using var response = await client.GetAsync("/api/v1/sample/secure-report");
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" admin")]
    [InlineData("two words")]
    public async Task A_bad_role_name_stops_the_start_naming_the_key(string role)
    {
        var exception = await Should.ThrowAsync<Exception>(() => TestApp.StartAsync(o =>
        {
            o.Settings["Foundation:Auth:Totp:RequiredForRoles:0"] = "owner";
            o.Settings["Foundation:Auth:Totp:RequiredForRoles:1"] = role;
        }));

        exception.ShouldBeOfType<OptionsValidationException>();
        exception.AllMessages().ShouldContain("Foundation:Auth:Totp:RequiredForRoles:1", Case.Sensitive);
    }

    [Fact]
    public async Task The_enrolment_cache_does_not_keep_a_read_that_an_invalidation_overtook()
    {
        var clock = TestClock.Create();
        var cache = new SecondFactorEnrolmentCache(clock);
        var user = Guid.CreateVersion7();
        var reads = 0;

        (await cache.IsEnabledAsync(user, (_, _) => { reads++; cache.Invalidate(user); return Task.FromResult(false); }, default)).ShouldBeFalse();
        (await cache.IsEnabledAsync(user, (_, _) => { reads++; return Task.FromResult(true); }, default)).ShouldBeTrue();
        (await cache.IsEnabledAsync(user, (_, _) => { reads++; return Task.FromResult(false); }, default)).ShouldBeTrue("cached");
        reads.ShouldBe(2);

        cache.Invalidate(user);
        (await cache.IsEnabledAsync(user, (_, _) => { reads++; return Task.FromResult(false); }, default)).ShouldBeFalse();
        reads.ShouldBe(3);
    }
}

/// <summary>The same scenarios on PostgreSQL.</summary>
public sealed class SecondFactorPolicyOnPostgresTests : IAsyncLifetime
{
    private readonly string _database = "fnd_2fa_policy_" + Guid.NewGuid().ToString("N")[..12];
    private string _connectionString = string.Empty;

    public async Task InitializeAsync()
    {
        _connectionString = await TestPostgresDatabase.CreateAsync(_database);
    }

    public async Task DisposeAsync()
    {
        await TestPostgresDatabase.DropAsync(_database);
    }

    [Fact]
    public async Task Enrolment_is_required_for_the_configured_roles()
    {
        using var host = new PolicyHost(Settings(("Foundation:Auth:Totp:RequiredForRoles:0", "admin")));
        await SecondFactorScenarios.EnrolmentIsRequiredAsync(host);
    }

    [Fact]
    public async Task A_step_up_counts_at_once_and_expires_after_the_window()
    {
        using var host = new PolicyHost(Settings());
        await SecondFactorScenarios.StepUpAsync(host);
    }

    private Dictionary<string, string?> Settings(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Foundation:Database:Provider"] = "PostgreSql",
            ["Foundation:Database:ConnectionString"] = _connectionString,
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }
}

/// <summary>Scenarios run on both database providers.</summary>
internal static class SecondFactorScenarios
{
    /// <summary>RequiredForRoles = admin: the owner (above admin) must enrol; a member is unaffected.</summary>
    public static async Task EnrolmentIsRequiredAsync(PolicyHost host)
    {
        using var client = host.CreateClient();
        var owner = await host.SignUpAsync(client, "ada@example.com");
        var member = await host.SignUpAsync(client, "bob@example.com");

        var problem = await host.ProblemAsync(client, "/api/v1/sessions", owner, 403);
        problem.Text("reason").ShouldBe("second_factor_enrolment_required");
        problem.Text("enrolUrl").ShouldBe("/api/v1/totp/setup");
        problem.Text("role").ShouldBe("admin");
        problem.Text("type").ShouldBe("https://tools.ietf.org/html/rfc9110#section-15.5.4");
        problem.Text("title").ShouldBe("Two-factor authentication required");
        problem.Text("detail").ShouldBe(
            "Accounts with the role 'admin' or a role above it must use two-factor authentication. Enrol an authenticator app: "
            + "POST /api/v1/totp/setup, then confirm with a code from the app at POST /api/v1/totp/enable; then retry.");
        problem.Text("requestId").ShouldNotBeEmpty();
        (await host.StatusAsync(client, HttpMethod.Get, "/api/v1/sample/secure-report", owner)).ShouldBe(HttpStatusCode.Forbidden);
        (await host.ProblemAsync(client, "/api/v1/sample/secure-report", owner, 403)).Text("reason").ShouldBe("second_factor_enrolment_required", "enrolment comes before a step-up");

        // The way to enrol, and what does not need a session, stays open with the token.
        (await host.StatusAsync(client, HttpMethod.Get, "/api/v1/auth/me", owner)).ShouldBe(HttpStatusCode.OK);
        (await host.StatusAsync(client, HttpMethod.Get, "/api/v1/totp/status", owner)).ShouldBe(HttpStatusCode.OK);
        (await host.StatusAsync(client, HttpMethod.Get, "/api/v1/hello", owner)).ShouldBe(HttpStatusCode.OK);
        (await host.StatusAsync(client, HttpMethod.Get, "/health/live", owner)).ShouldBe(HttpStatusCode.OK);
        (await host.StatusAsync(client, HttpMethod.Get, "/metrics", owner)).ShouldBe(HttpStatusCode.OK);
        (await host.StatusAsync(client, HttpMethod.Get, "/openapi/v1.json", owner)).ShouldBe(HttpStatusCode.OK);
        (await host.StatusAsync(client, HttpMethod.Get, "/api/v1/sessions", member)).ShouldBe(HttpStatusCode.OK, "a member is not in a required role");

        using var setup = await client.SendAsync(host.Inner.Authorized(HttpMethod.Post, "/api/v1/totp/setup", owner));
        setup.StatusCode.ShouldBe(HttpStatusCode.OK, await setup.Content.ReadAsStringAsync());
        var secret = Base32.Decode((await setup.ReadJsonAsync()).Text("secret"));
        (await host.StatusAsync(client, HttpMethod.Get, "/api/v1/totp/setup/qr.svg", owner)).ShouldBe(HttpStatusCode.OK);
        (await host.StatusAsync(client, HttpMethod.Get, "/api/v1/sessions", owner)).ShouldBe(HttpStatusCode.Forbidden, "a pending setup is not enrolment");

        // The refusals above cached "not enabled" for 30 s; the clock does not move, so only the eviction lets her in.
        using var enable = await client.SendAsync(host.Inner.Authorized(HttpMethod.Post, "/api/v1/totp/enable", owner, new { code = host.Code(secret) }));
        enable.StatusCode.ShouldBe(HttpStatusCode.OK, await enable.Content.ReadAsStringAsync());
        (await host.StatusAsync(client, HttpMethod.Get, "/api/v1/sessions", owner)).ShouldBe(HttpStatusCode.OK);

        host.Clock.Advance(TimeSpan.FromSeconds(30));
        using var disable = await client.SendAsync(host.Inner.Authorized(HttpMethod.Post, "/api/v1/totp/disable", owner, new { code = host.Code(secret), password = PolicyHost.Password }));
        disable.StatusCode.ShouldBe(HttpStatusCode.NoContent, await disable.Content.ReadAsStringAsync());
        (await host.StatusAsync(client, HttpMethod.Get, "/api/v1/sessions", owner)).ShouldBe(HttpStatusCode.Forbidden);

        using var logout = await client.SendAsync(host.Inner.Authorized(HttpMethod.Post, "/api/v1/auth/logout", owner));
        logout.StatusCode.ShouldBe(HttpStatusCode.NoContent);
    }

    /// <summary>Signed in before enrolling (no second factor in the session): 403 step-up, verify, 200, 10 minutes later 403.</summary>
    public static async Task StepUpAsync(PolicyHost host)
    {
        using var client = host.CreateClient();
        var ada = await host.EnrolAsync(client, "ada@example.com");

        var problem = await host.ProblemAsync(client, "/api/v1/sample/secure-report", ada.AccessToken, 403);
        problem.Text("reason").ShouldBe("second_factor_step_up_required");
        problem.GetProperty("maxAgeSeconds").GetInt64().ShouldBe(600);
        problem.Text("verifyUrl").ShouldBe("/api/v1/totp/verify");
        problem.Text("title").ShouldBe("Recent second-factor verification required");
        problem.Text("detail").ShouldContain("verify with your second factor (POST /api/v1/totp/verify");
        problem.Text("detail").ShouldContain("10 minutes");

        // The refusal cached the session for 5 s, and the clock stands still: only the eviction on step-up shows it.
        host.Clock.Advance(TimeSpan.FromSeconds(30));
        using (var stepUp = await client.SendAsync(host.Inner.Authorized(HttpMethod.Post, "/api/v1/totp/verify", ada.AccessToken, new { code = host.Code(ada.Secret) })))
        {
            stepUp.StatusCode.ShouldBe(HttpStatusCode.OK, await stepUp.Content.ReadAsStringAsync());
        }

        (await host.StatusAsync(client, HttpMethod.Get, "/api/v1/sample/secure-report", ada.AccessToken)).ShouldBe(HttpStatusCode.OK);
        host.Clock.Advance(TimeSpan.FromMinutes(10));
        (await host.StatusAsync(client, HttpMethod.Get, "/api/v1/sample/secure-report", ada.AccessToken)).ShouldBe(HttpStatusCode.OK, "exactly 10 minutes is still within");
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        (await host.ProblemAsync(client, "/api/v1/sample/secure-report", ada.AccessToken, 403)).Text("reason").ShouldBe("second_factor_step_up_required");

        // A fresh step-up lets the same access token in again.
        using (var again = await client.SendAsync(host.Inner.Authorized(HttpMethod.Post, "/api/v1/totp/verify", ada.AccessToken, new { code = host.Code(ada.Secret) })))
        {
            again.StatusCode.ShouldBe(HttpStatusCode.OK, await again.Content.ReadAsStringAsync());
        }

        (await host.StatusAsync(client, HttpMethod.Get, "/api/v1/sample/secure-report", ada.AccessToken)).ShouldBe(HttpStatusCode.OK);
    }
}

/// <summary>The sample host (through <see cref="AuthTestHost"/>) with a <see cref="FakeTimeProvider"/>.</summary>
internal sealed class PolicyHost : IDisposable
{
    public const string Password = "correct horse battery staple";

    private readonly Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> _factory;

    public PolicyHost(Dictionary<string, string?> settings)
    {
        Inner = new AuthTestHost(settings);
        _factory = Inner.Factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock))));
    }

    public FakeTimeProvider Clock { get; } = TestClock.Create();

    public AuthTestHost Inner { get; }

    public IServiceProvider Services => _factory.Services;

    public HttpClient CreateClient() => _factory.CreateClient();

    /// <summary>A code for the clock's current time step.</summary>
    public string Code(byte[] secret) => TotpCode.Compute(secret, Clock.GetUtcNow());

    /// <summary>Registers and signs in; the access token.</summary>
    public async Task<string> SignUpAsync(HttpClient client, string email)
    {
        await Inner.RegisterAsync(client, email, Password);
        return (await Inner.LoginAsync(client, email, Password)).Text("accessToken");
    }

    /// <summary>Registers, signs in (no second factor in that session) and enables TOTP.</summary>
    public async Task<Enrolled> EnrolAsync(HttpClient client, string email)
    {
        await Inner.RegisterAsync(client, email, Password);
        var login = await Inner.LoginAsync(client, email, Password);
        var token = login.Text("accessToken");
        using var me = await client.SendAsync(Inner.Authorized(HttpMethod.Get, "/api/v1/auth/me", token));
        var userId = Guid.Parse((await me.ReadJsonAsync()).Text("id"));

        using var setup = await client.SendAsync(Inner.Authorized(HttpMethod.Post, "/api/v1/totp/setup", token));
        setup.StatusCode.ShouldBe(HttpStatusCode.OK, await setup.Content.ReadAsStringAsync());
        var secret = Base32.Decode((await setup.ReadJsonAsync()).Text("secret"));
        using var enable = await client.SendAsync(Inner.Authorized(HttpMethod.Post, "/api/v1/totp/enable", token, new { code = Code(secret) }));
        enable.StatusCode.ShouldBe(HttpStatusCode.OK, await enable.Content.ReadAsStringAsync());
        return new Enrolled(userId, token, secret);
    }

    public async Task<HttpStatusCode> StatusAsync(HttpClient client, HttpMethod method, string path, string token)
    {
        using var response = await client.SendAsync(Inner.Authorized(method, path, token));
        return response.StatusCode;
    }

    public async Task<JsonElement> ProblemAsync(HttpClient client, string path, string token, int status)
    {
        using var response = await client.SendAsync(Inner.Authorized(HttpMethod.Get, path, token));
        return await response.ShouldBeProblemAsync(status);
    }

    public void Dispose()
    {
        _factory.Dispose();
        Inner.Dispose();
    }

    public sealed record Enrolled(Guid UserId, string AccessToken, byte[] Secret);
}
