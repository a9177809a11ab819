using System.Net;
using System.Net.Http.Json;
using Foundation.Auditing;
using Foundation.Hosting.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Foundation.Hosting.Tests.Auth;

/// <summary>
/// The refresh-token reuse interval over HTTP (sample host, SQLite, a clock the test moves): concurrent refreshes of
/// one token (two tabs) keep the session alive and every caller's tokens work; a reuse after the interval revokes.
/// </summary>
public sealed class RefreshReuseIntervalTests : IDisposable
{
    private const string Password = "correct horse battery staple";
    private readonly AuthTestHost _host = new();
    private readonly FakeTimeProvider _clock = TestClock.Create();
    private readonly WebApplicationFactory<Program> _factory;

    public RefreshReuseIntervalTests() =>
        _factory = _host.Factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(_clock))));

    public void Dispose()
    {
        _factory.Dispose();
        _host.Dispose();
    }

    [Fact]
    public async Task Twenty_parallel_refreshes_of_one_token_all_succeed_and_every_callers_tokens_work()
    {
        using var client = _factory.CreateClient();
        await _host.RegisterAsync(client, "tabs@example.com", Password);
        var tokens = await _host.LoginAsync(client, "tabs@example.com", Password);
        var refresh = tokens.Text("refreshToken");

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = refresh });
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            return await response.ReadJsonAsync();
        }));

        answers.ShouldAllBe(t => t.Text("sessionId") == tokens.Text("sessionId"));
        _host.Audit.Events.ShouldNotContain(e => e.Action == "auth.refresh.reuse_detected");
        _host.Audit.Events.Count(e => e.Action == "auth.refresh" && e.Outcome == AuditOutcome.Success).ShouldBe(20);

        // Well after the interval: each caller's access token works and its refresh token rotates once more.
        _clock.Advance(TimeSpan.FromMinutes(1));
        foreach (var answer in answers)
        {
            using var me = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/auth/me", answer.Text("accessToken")));
            me.StatusCode.ShouldBe(HttpStatusCode.OK);
            using var next = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = answer.Text("refreshToken") });
            next.StatusCode.ShouldBe(HttpStatusCode.OK, await next.Content.ReadAsStringAsync());
        }

        _host.Audit.Events.ShouldNotContain(e => e.Action == "auth.refresh.reuse_detected");
    }

    [Fact]
    public async Task A_rotated_token_presented_after_the_interval_revokes_the_session_and_is_audited()
    {
        using var client = _factory.CreateClient();
        await _host.RegisterAsync(client, "late@example.com", Password);
        var first = await _host.LoginAsync(client, "late@example.com", Password);

        using var rotated = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = first.Text("refreshToken") });
        var second = await rotated.ReadJsonAsync();

        // Within the default 10 s: the old token again gets working tokens of the same session.
        _clock.Advance(TimeSpan.FromSeconds(5));
        using var retried = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = first.Text("refreshToken") });
        retried.StatusCode.ShouldBe(HttpStatusCode.OK);
        var third = await retried.ReadJsonAsync();
        third.Text("sessionId").ShouldBe(first.Text("sessionId"));
        using (var me = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/auth/me", third.Text("accessToken"))))
        {
            me.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // After it: theft suspected, the session dies for everyone.
        _clock.Advance(TimeSpan.FromSeconds(6));
        using var reused = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = first.Text("refreshToken") });
        await reused.ShouldBeProblemAsync(401);
        _host.Audit.Events.ShouldContain(e => e.Action == "auth.refresh.reuse_detected" && e.Outcome == AuditOutcome.Denied);

        foreach (var tokens in new[] { second, third })
        {
            using var me = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/auth/me", tokens.Text("accessToken")));
            me.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            using var next = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = tokens.Text("refreshToken") });
            await next.ShouldBeProblemAsync(401);
        }
    }

    [Theory]
    [InlineData("-00:00:01")]
    [InlineData("00:01:01")]
    public void An_out_of_range_interval_fails_the_start_naming_the_key(string value)
    {
        using var host = new AuthTestHost(new Dictionary<string, string?> { ["Foundation:Auth:Tokens:RefreshReuseInterval"] = value });
        var error = Should.Throw<Exception>(() => host.CreateClient());
        error.ToString().ShouldContain("Foundation:Auth:Tokens:RefreshReuseInterval");
    }
}
