using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Foundation.Auth.Totp.Encoding;
using Foundation.Hosting.Tests.Auth;
using Foundation.Hosting.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TotpCode = Foundation.Auth.Totp.Otp.Totp;

namespace Foundation.Hosting.Tests.Totp;

/// <summary>TOTP steps over HTTP shared by the endpoint tests: enrol, get a login challenge, compute codes on a clock.</summary>
internal static class TotpHttp
{
    public const string Password = "correct horse battery staple";

    public static string Code(byte[] secret, TimeProvider clock, int offsetSeconds = 0) => TotpCode.Compute(secret, clock.GetUtcNow().AddSeconds(offsetSeconds));

    /// <summary>A well-formed code far outside the window.</summary>
    public static string WrongCode(byte[] secret, TimeProvider clock)
    {
        var valid = new[] { Code(secret, clock, -30), Code(secret, clock), Code(secret, clock, 30), Code(secret, clock, 60) };
        for (var minutes = 10; ; minutes++)
        {
            var candidate = Code(secret, clock, minutes * 60);
            if (!valid.Contains(candidate))
            {
                return candidate;
            }
        }
    }

    /// <summary>The host's factory with <paramref name="clock"/> as the application's <see cref="TimeProvider"/>.</summary>
    public static WebApplicationFactory<Program> WithClock(this AuthTestHost host, TimeProvider clock) =>
        host.Factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.Replace(ServiceDescriptor.Singleton(clock))));

    public static async Task<string> ChallengeAsync(this AuthTestHost host, HttpClient client, string email, string password = Password)
    {
        var login = await host.LoginAsync(client, email, password);
        login.GetProperty("secondFactorRequired").GetBoolean().ShouldBeTrue(login.ToString());
        login.TryGetProperty("accessToken", out _).ShouldBeFalse();
        return login.Text("challengeToken");
    }

    /// <summary>Registers, signs in, sets up and enables TOTP with the current step's code of <paramref name="clock"/>.</summary>
    public static async Task<Enrolled> EnrolAsync(this AuthTestHost host, HttpClient client, string email, TimeProvider clock)
    {
        await host.RegisterAsync(client, email, Password);
        var token = (await host.LoginAsync(client, email, Password)).Text("accessToken");

        using var setup = await client.SendAsync(host.Authorized(HttpMethod.Post, "/api/v1/totp/setup", token));
        setup.StatusCode.ShouldBe(HttpStatusCode.OK, await setup.Content.ReadAsStringAsync());
        var secret = Base32.Decode((await setup.ReadJsonAsync()).Text("secret"));

        using var enable = await client.SendAsync(host.Authorized(HttpMethod.Post, "/api/v1/totp/enable", token, new { code = Code(secret, clock) }));
        enable.StatusCode.ShouldBe(HttpStatusCode.OK, await enable.Content.ReadAsStringAsync());
        var codes = (await enable.ReadJsonAsync()).GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToList();
        return new Enrolled(token, secret, codes);
    }

    public static async Task<JsonElement> StatusAsync(this AuthTestHost host, HttpClient client, string accessToken)
    {
        using var status = await client.SendAsync(host.Authorized(HttpMethod.Get, "/api/v1/totp/status", accessToken));
        status.StatusCode.ShouldBe(HttpStatusCode.OK, await status.Content.ReadAsStringAsync());
        return await status.ReadJsonAsync();
    }

    public static async Task<HttpResponseMessage> LoginWithDeviceAsync(HttpClient client, string email, string? bodyToken, string? headerToken = null, string password = Password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = JsonContent.Create(new { email, password, deviceToken = bodyToken }) };
        if (headerToken is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Device-Token", headerToken);
        }

        return await client.SendAsync(request);
    }
}

internal sealed record Enrolled(string AccessToken, byte[] Secret, IReadOnlyList<string> RecoveryCodes);
