using System.Net;
using System.Net.Http.Json;
using Foundation.Auth.Totp.Encoding;
using Foundation.Hosting.Tests.Auth;
using Foundation.Hosting.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using static Foundation.Hosting.Tests.Totp.TotpHttp;

namespace Foundation.Hosting.Tests.Security;

/// <summary>
/// Every answer that carries a secret (tokens, an API key, a TOTP secret, recovery codes, a trusted-device token) tells
/// caches not to store it: <c>Cache-Control: no-store</c> and <c>Pragma: no-cache</c>.
/// </summary>
public sealed class NoStoreResponseTests : IDisposable
{
    private readonly AuthTestHost _host = new();
    private readonly FakeTimeProvider _clock = TestClock.Create();
    private readonly WebApplicationFactory<Program> _factory;

    public NoStoreResponseTests() => _factory = _host.WithClock(_clock);

    public void Dispose()
    {
        _factory.Dispose();
        _host.Dispose();
    }

    [Fact]
    public async Task Login_refresh_password_change_and_api_key_creation_are_not_stored()
    {
        using var client = _factory.CreateClient();
        await _host.RegisterAsync(client, "cache@example.com", Password);

        using var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "cache@example.com", password = Password });
        ShouldNotBeStored(login, HttpStatusCode.OK);
        var tokens = await login.ReadJsonAsync();

        using var refresh = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = tokens.Text("refreshToken") });
        ShouldNotBeStored(refresh, HttpStatusCode.OK);
        var access = (await refresh.ReadJsonAsync()).Text("accessToken");

        using var key = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/api-keys", access, new { name = "ci", scopes = new[] { "llm:chat" } }));
        ShouldNotBeStored(key, HttpStatusCode.Created);

        using var password = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/auth/password", access,
            new { currentPassword = Password, newPassword = "a brand new long passphrase" }));
        ShouldNotBeStored(password, HttpStatusCode.OK);

        // A refusal of the same endpoints says the same (a cache must not keep a 401 for a token either).
        using var refused = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = new string('A', 43) });
        ShouldNotBeStored(refused, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Totp_setup_qr_code_recovery_codes_and_the_login_completion_with_a_device_token_are_not_stored()
    {
        using var client = _factory.CreateClient();
        await _host.RegisterAsync(client, "totp-cache@example.com", Password);
        var access = (await _host.LoginAsync(client, "totp-cache@example.com", Password)).Text("accessToken");

        using var setup = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/setup", access));
        ShouldNotBeStored(setup, HttpStatusCode.OK);
        var secret = Base32.Decode((await setup.ReadJsonAsync()).Text("secret"));

        using var qr = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/totp/setup/qr.svg", access));
        ShouldNotBeStored(qr, HttpStatusCode.OK);

        using var enable = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/enable", access, new { code = Code(secret, _clock) }));
        ShouldNotBeStored(enable, HttpStatusCode.OK);

        _clock.Advance(TimeSpan.FromSeconds(30));
        using var regenerated = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/backup-codes", access, new { code = Code(secret, _clock) }));
        ShouldNotBeStored(regenerated, HttpStatusCode.OK);

        _clock.Advance(TimeSpan.FromSeconds(30));
        using var verified = await client.PostAsJsonAsync("/api/v1/totp/verify", new
        {
            challengeToken = await _host.ChallengeAsync(client, "totp-cache@example.com"),
            code = Code(secret, _clock),
            rememberDevice = true,
            deviceName = "laptop",
        });
        ShouldNotBeStored(verified, HttpStatusCode.OK);
        (await verified.ReadJsonAsync()).Text("deviceToken").ShouldNotBeEmpty();
    }

    private static void ShouldNotBeStored(HttpResponseMessage response, HttpStatusCode status)
    {
        response.StatusCode.ShouldBe(status);
        response.Headers.CacheControl.ShouldNotBeNull($"{response.RequestMessage!.RequestUri} has no Cache-Control");
        response.Headers.CacheControl!.NoStore.ShouldBeTrue($"{response.RequestMessage!.RequestUri}: Cache-Control is '{response.Headers.CacheControl}'");
        response.Headers.Pragma.ToString().ShouldBe("no-cache");
    }
}
