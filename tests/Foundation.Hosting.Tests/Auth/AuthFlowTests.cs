using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Foundation.Auditing;
using Foundation.Hosting.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Foundation.Hosting.Tests.Auth;

/// <summary>The account endpoints end to end over the sample host (SQLite in a temp data directory).</summary>
public sealed class AuthFlowTests : IDisposable
{
    private const string Password = "correct horse battery staple";

    /// <summary>Refresh tokens strictly single use: no reuse interval.</summary>
    internal static readonly IReadOnlyDictionary<string, string?> StrictRefresh =
        new Dictionary<string, string?> { ["Foundation:Auth:Tokens:RefreshReuseInterval"] = "00:00:00" };

    private readonly AuthTestHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task Register_login_and_me()
    {
        using var client = _host.CreateClient();
        using var registered = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = "Ada@Example.com", password = Password });
        registered.StatusCode.ShouldBe(HttpStatusCode.Created);
        var profile = await registered.ReadJsonAsync();
        profile.Text("email").ShouldBe("Ada@Example.com");
        profile.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ShouldBe(["owner"]);

        using var second = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = "bob@example.com", password = Password });
        (await second.ReadJsonAsync()).GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ShouldBe(["member"]);

        var tokens = await _host.LoginAsync(client, "ada@example.com", Password);
        tokens.Text("tokenType").ShouldBe("Bearer");
        tokens.GetProperty("expiresIn").GetInt64().ShouldBeInRange(850, 900);

        using var me = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/auth/me", tokens.Text("accessToken")));
        me.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await me.ReadJsonAsync()).Text("email").ShouldBe("Ada@Example.com");

        using var anonymous = await client.GetAsync("/api/v1/auth/me");
        anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        anonymous.Headers.WwwAuthenticate.ToString().ShouldStartWith("Bearer");
    }

    [Theory]
    [InlineData("{\"password\": \"correct horse battery staple\"}", "email")]
    [InlineData("{\"email\": \"not-an-email\", \"password\": \"correct horse battery staple\"}", "email")]
    [InlineData("{\"email\": \"a@example.com\"}", "password")]
    [InlineData("{\"email\": \"a@example.com\", \"password\": \"short\"}", "password")]
    [InlineData("{\"email\": \"a@example.com\", \"password\": \"password\"}", "password")]
    [InlineData("{\"email\": \"margaret@example.com\", \"password\": \"margaret-hamilton-1969\"}", "password")]
    [InlineData("{\"email\": \"a@example.com\", \"password\": \"correct horse battery staple\", \"tenant\": \"bad tenant!\"}", "tenant")]
    public async Task Bad_registrations_are_400s_naming_the_field_and_store_nothing(string json, string field)
    {
        using var client = _host.CreateClient();
        using var response = await client.PostAsync("/api/v1/auth/register", new StringContent(json, Encoding.UTF8, "application/json"));

        var problem = await response.ShouldBeProblemAsync(400);
        problem.Text("field").ShouldBe(field);
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue();

        using var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "a@example.com", password = Password });
        login.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_huge_email_a_wrong_content_type_and_malformed_json_are_4xx_not_500()
    {
        using var client = _host.CreateClient();
        var huge = new string('a', 100_000) + "@example.com";
        using var big = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = huge, password = Password });
        (await big.ShouldBeProblemAsync(400)).Text("field").ShouldBe("email");

        using var form = await client.PostAsync("/api/v1/auth/login", new StringContent("email=a", Encoding.UTF8, "application/x-www-form-urlencoded"));
        await form.ShouldBeProblemAsync(415);

        using var broken = await client.PostAsync("/api/v1/auth/login", new StringContent("{\"email\": ", Encoding.UTF8, "application/json"));
        await broken.ShouldBeProblemAsync(400);

        using var empty = await client.PostAsync("/api/v1/auth/refresh", new StringContent("", Encoding.UTF8, "application/json"));
        await empty.ShouldBeProblemAsync(400);
    }

    [Fact]
    public async Task A_password_policy_refusal_lists_every_reason()
    {
        using var client = _host.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = "grace@example.com", password = "grace" });
        var problem = await response.ShouldBeProblemAsync(400);
        var reasons = problem.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).ToList();
        reasons.ShouldContain("too_short");
        reasons.ShouldContain("contains_email");
    }

    [Fact]
    public async Task Registering_an_email_twice_in_a_tenant_is_a_409_but_other_tenants_may_use_it()
    {
        using var client = _host.CreateClient();
        await _host.RegisterAsync(client, "dup@example.com", Password);
        using var again = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = "DUP@example.com", password = Password });
        await again.ShouldBeProblemAsync(409);

        using var otherTenant = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = "dup@example.com", password = Password, tenant = "acme" });
        otherTenant.StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_email_answer_identically()
    {
        using var client = _host.CreateClient();
        await _host.RegisterAsync(client, "eve@example.com", Password);

        using var wrong = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "eve@example.com", password = "not the password at all" });
        using var unknown = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "nobody@example.com", password = "not the password at all" });

        var a = await wrong.ShouldBeProblemAsync(401);
        var b = await unknown.ShouldBeProblemAsync(401);
        a.Text("detail").ShouldBe(b.Text("detail"));
        a.Text("title").ShouldBe(b.Text("title"));
    }

    [Fact]
    public async Task Five_failures_lock_the_account_even_for_the_right_password_and_it_is_audited()
    {
        using var client = _host.CreateClient();
        await _host.RegisterAsync(client, "mallory@example.com", Password);
        for (var i = 0; i < 5; i++)
        {
            using var failed = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "mallory@example.com", password = "wrong password number " + i });
            failed.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        using var locked = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "mallory@example.com", password = Password });
        locked.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        _host.Audit.Events.ShouldContain(e => e.Action == "auth.lockout");
        _host.Audit.Events.Count(e => e.Action == "auth.login" && e.Outcome == AuditOutcome.Failure).ShouldBe(5);
        _host.Audit.Events.ShouldContain(e => e.Action == "auth.login" && e.Outcome == AuditOutcome.Denied);
    }

    [Fact]
    public async Task Refresh_rotates_and_a_reused_token_revokes_the_session()
    {
        // Strict mode (no reuse interval): the first reuse, however soon, revokes. RefreshReuseIntervalTests covers the default.
        using var strict = new AuthTestHost(StrictRefresh);
        using var client = strict.CreateClient();
        await strict.RegisterAsync(client, "rot@example.com", Password);
        var first = await strict.LoginAsync(client, "rot@example.com", Password);

        using var refreshed = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = first.Text("refreshToken") });
        refreshed.StatusCode.ShouldBe(HttpStatusCode.OK);
        var second = await refreshed.ReadJsonAsync();
        second.Text("refreshToken").ShouldNotBe(first.Text("refreshToken"));
        second.Text("sessionId").ShouldBe(first.Text("sessionId"));

        // The first token again: theft suspected, the whole session dies.
        using var reused = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = first.Text("refreshToken") });
        await reused.ShouldBeProblemAsync(401);
        strict.Audit.Events.ShouldContain(e => e.Action == "auth.refresh.reuse_detected");

        using var afterwards = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = second.Text("refreshToken") });
        await afterwards.ShouldBeProblemAsync(401);
        using var me = await client.SendAsync(strict.Authorized(HttpMethod.Get, "/api/v1/auth/me", second.Text("accessToken")));
        me.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Of_twenty_parallel_refreshes_of_one_token_exactly_one_succeeds()
    {
        // Strict mode (no reuse interval); with the default interval all twenty succeed (RefreshReuseIntervalTests).
        using var strict = new AuthTestHost(StrictRefresh);
        using var client = strict.CreateClient();
        await strict.RegisterAsync(client, "race@example.com", Password);
        var tokens = await strict.LoginAsync(client, "race@example.com", Password);
        var token = tokens.Text("refreshToken");

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = token });
            return response.StatusCode;
        }));

        results.Count(s => s == HttpStatusCode.OK).ShouldBe(1);
        results.Count(s => s == HttpStatusCode.Unauthorized).ShouldBe(19);
    }

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Unknown_or_malformed_refresh_tokens_are_401(string token)
    {
        using var client = _host.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = token });
        await response.ShouldBeProblemAsync(401);
    }

    [Fact]
    public async Task Logout_ends_the_session_for_access_and_refresh_tokens()
    {
        using var client = _host.CreateClient();
        await _host.RegisterAsync(client, "bye@example.com", Password);
        var tokens = await _host.LoginAsync(client, "bye@example.com", Password);

        using var logout = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/auth/logout", tokens.Text("accessToken")));
        logout.StatusCode.ShouldBe(HttpStatusCode.NoContent);

        using var me = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/auth/me", tokens.Text("accessToken")));
        me.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var refresh = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = tokens.Text("refreshToken") });
        refresh.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Changing_the_password_revokes_other_sessions_and_keeps_this_one()
    {
        using var client = _host.CreateClient();
        await _host.RegisterAsync(client, "pw@example.com", Password);
        var laptop = await _host.LoginAsync(client, "pw@example.com", Password);
        var phone = await _host.LoginAsync(client, "pw@example.com", Password);

        using var wrongCurrent = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/auth/password", laptop.Text("accessToken"),
            new { currentPassword = "not it at all really", newPassword = "a brand new long passphrase" }));
        await wrongCurrent.ShouldBeProblemAsync(401);

        using var weak = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/auth/password", laptop.Text("accessToken"),
            new { currentPassword = Password, newPassword = "short" }));
        (await weak.ShouldBeProblemAsync(400)).Text("field").ShouldBe("newPassword");

        using var changed = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/auth/password", laptop.Text("accessToken"),
            new { currentPassword = Password, newPassword = "a brand new long passphrase" }));
        changed.StatusCode.ShouldBe(HttpStatusCode.OK);
        var fresh = await changed.ReadJsonAsync();

        using var phoneMe = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/auth/me", phone.Text("accessToken")));
        phoneMe.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var oldLaptop = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/auth/me", laptop.Text("accessToken")));
        oldLaptop.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "the security stamp changed");
        using var freshMe = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/auth/me", fresh.Text("accessToken")));
        freshMe.StatusCode.ShouldBe(HttpStatusCode.OK);

        using var oldLogin = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "pw@example.com", password = Password });
        oldLogin.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await _host.LoginAsync(client, "pw@example.com", "a brand new long passphrase");
    }

    [Fact]
    public async Task Registration_can_be_closed_and_named_tenants_are_closed_by_default()
    {
        using var closed = new AuthTestHost(new Dictionary<string, string?> { ["Foundation:Auth:AllowSelfRegistration"] = "false" });
        using var closedClient = closed.CreateClient();
        using var refused = await closedClient.PostAsJsonAsync("/api/v1/auth/register", new { email = "x@example.com", password = Password });
        await refused.ShouldBeProblemAsync(403);

        using var defaults = new AuthTestHost(new Dictionary<string, string?> { ["Foundation:Auth:AllowSelfRegistrationIntoNamedTenants"] = "false" });
        using var client = defaults.CreateClient();
        using var named = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = "x@example.com", password = Password, tenant = "acme" });
        (await named.ShouldBeProblemAsync(400)).Text("field").ShouldBe("tenant");
        using var plain = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = "x@example.com", password = Password });
        plain.StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_failed_login_names_the_scheme_in_www_authenticate()
    {
        using var client = _host.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "nobody@example.com", password = Password });
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
    }

    [Fact]
    public async Task Wrong_current_passwords_count_toward_the_lockout()
    {
        using var client = _host.CreateClient();
        await _host.RegisterAsync(client, "guess@example.com", Password);
        var tokens = await _host.LoginAsync(client, "guess@example.com", Password);
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/auth/password", tokens.Text("accessToken"),
                new { currentPassword = "guess number " + i + " wrong", newPassword = "a brand new long passphrase" }));
            wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        using var right = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/auth/password", tokens.Text("accessToken"),
            new { currentPassword = Password, newPassword = "a brand new long passphrase" }));
        right.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "locked after five wrong guesses");
        _host.Audit.Events.ShouldContain(e => e.Action == "auth.lockout");
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("Bearer not.a.jwt")]
    [InlineData("Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIxIn0.")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task Bad_credentials_are_401_with_a_challenge(string authorization)
    {
        using var client = _host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/me");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldStartWith("Bearer");
    }
}

/// <summary>The sample host with fast password hashing, generous auth rate limits and a recording audit writer.</summary>
internal sealed class AuthTestHost : IDisposable
{
    private readonly SampleAppFactory _factory;

    public AuthTestHost(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Foundation:Auth:Passwords:Pbkdf2Iterations"] = "100000",
            ["Foundation:Hosting:RateLimiting:Auth:PermitLimit"] = "100000",
            ["Foundation:Hosting:RateLimiting:Api:PermitLimit"] = "100000",
            ["Foundation:Auth:AllowSelfRegistrationIntoNamedTenants"] = "true",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        _factory = new SampleAppFactory(all);
        Factory = _factory.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
        {
            s.Replace(ServiceDescriptor.Singleton<IAuditEventWriter>(Audit));
            services?.Invoke(s);
        }));
    }

    public RecordingAuditWriter Audit { get; } = new();

    /// <summary>This instance's own data directory.</summary>
    public string DataDirectory => _factory.DataDirectory;

    public Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> Factory { get; }

    public HttpClient CreateClient() => Factory.CreateClient();

    public async Task RegisterAsync(HttpClient client, string email, string password, string? tenant = null)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password, tenant });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    public async Task<JsonElement> LoginAsync(HttpClient client, string email, string password, string? tenant = null)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password, tenant });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    public HttpRequestMessage Authorized(HttpMethod method, string path, string token, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    public void Dispose()
    {
        Factory.Dispose();
        _factory.Dispose();
    }
}

/// <summary>Keeps every audit event written.</summary>
internal sealed class RecordingAuditWriter : IAuditEventWriter
{
    private readonly List<AuditEvent> _events = [];

    public IReadOnlyList<AuditEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public ValueTask WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        lock (_events)
        {
            _events.Add(auditEvent);
        }

        return ValueTask.CompletedTask;
    }
}
