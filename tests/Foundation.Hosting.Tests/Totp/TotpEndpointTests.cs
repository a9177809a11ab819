using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Foundation.Auth.Totp.Encoding;
using Foundation.Hosting.Tests.Auth;
using Foundation.Hosting.Tests.Infrastructure;
using TotpCode = Foundation.Auth.Totp.Otp.Totp;

namespace Foundation.Hosting.Tests.Totp;

/// <summary>
/// The <c>/api/v1/totp</c> endpoints end to end over the sample host (SQLite). Codes are computed on the real clock: the
/// enabling code is the current step's, the next distinct valid code is the next step's (window +-1).
/// </summary>
public sealed class TotpEndpointTests : IDisposable
{
    private const string Password = "correct horse battery staple";
    private readonly AuthTestHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task Enrol_then_login_needs_the_code_and_a_code_works_once()
    {
        using var client = _host.CreateClient();
        var user = await EnrolAsync(client, "ada@example.com");
        user.RecoveryCodes.Count.ShouldBe(10);

        using (var status = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/totp/status", user.AccessToken)))
        {
            status.StatusCode.ShouldBe(HttpStatusCode.OK);
            var json = await status.ReadJsonAsync();
            json.GetProperty("enabled").GetBoolean().ShouldBeTrue();
            json.GetProperty("since").ValueKind.ShouldBe(JsonValueKind.String);
            json.GetProperty("recoveryCodesLeft").GetInt32().ShouldBe(10);
            json.GetProperty("recoveryCodesLow").GetBoolean().ShouldBeFalse();
            json.GetProperty("trustedDevices").GetArrayLength().ShouldBe(0);
        }

        var challenge = await ChallengeAsync(client, "ada@example.com");
        var next = Code(user.Secret, 30);
        using var verified = await client.PostAsJsonAsync("/api/v1/totp/verify", new { challengeToken = challenge, code = next });
        verified.StatusCode.ShouldBe(HttpStatusCode.OK, await verified.Content.ReadAsStringAsync());
        var tokens = await verified.ReadJsonAsync();
        tokens.Text("tokenType").ShouldBe("Bearer");
        tokens.Text("refreshToken").ShouldNotBeEmpty();
        tokens.GetProperty("recoveryCodesLeft").GetInt32().ShouldBe(10);
        tokens.GetProperty("recoveryCodesLow").GetBoolean().ShouldBeFalse();
        using (var me = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/auth/me", tokens.Text("accessToken"))))
        {
            me.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var again = await ChallengeAsync(client, "ada@example.com");
        using var replayed = await client.PostAsJsonAsync("/api/v1/totp/verify", new { challengeToken = again, code = next });
        var problem = await replayed.ShouldBeProblemAsync(401);
        problem.Text("reason").ShouldBe("replayed");
    }

    [Fact]
    public async Task A_recovery_code_completes_a_login_once()
    {
        using var client = _host.CreateClient();
        var user = await EnrolAsync(client, "ada@example.com");
        var recovery = user.RecoveryCodes[3].ToLowerInvariant();

        using var first = await client.PostAsJsonAsync("/api/v1/totp/verify", new { challengeToken = await ChallengeAsync(client, "ada@example.com"), recoveryCode = recovery });
        first.StatusCode.ShouldBe(HttpStatusCode.OK, await first.Content.ReadAsStringAsync());
        var tokens = await first.ReadJsonAsync();
        tokens.GetProperty("recoveryCodesLeft").GetInt32().ShouldBe(9);
        tokens.Text("accessToken").ShouldNotBeEmpty();

        using var second = await client.PostAsJsonAsync("/api/v1/totp/verify", new { challengeToken = await ChallengeAsync(client, "ada@example.com"), recoveryCode = recovery });
        (await second.ShouldBeProblemAsync(401)).Text("reason").ShouldBe("invalid");
    }

    [Fact]
    public async Task Verify_with_a_bad_challenge_is_401()
    {
        using var client = _host.CreateClient();
        var user = await EnrolAsync(client, "ada@example.com");
        using var response = await client.PostAsJsonAsync("/api/v1/totp/verify", new { challengeToken = "not-a-challenge", code = Code(user.Secret, 30) });
        await response.ShouldBeProblemAsync(401);
        using var anonymous = await client.PostAsJsonAsync("/api/v1/totp/verify", new { code = Code(user.Secret, 30) });
        await anonymous.ShouldBeProblemAsync(401);
    }

    [Fact]
    public async Task Five_wrong_codes_block_with_Retry_After()
    {
        using var client = _host.CreateClient();
        var user = await EnrolAsync(client, "ada@example.com");
        var challenge = await ChallengeAsync(client, "ada@example.com");
        var wrong = WrongCode(user.Secret);

        for (var i = 0; i < 4; i++)
        {
            using var refused = await client.PostAsJsonAsync("/api/v1/totp/verify", new { challengeToken = challenge, code = wrong });
            (await refused.ShouldBeProblemAsync(401)).Text("reason").ShouldBe("invalid");
        }

        using var blocked = await client.PostAsJsonAsync("/api/v1/totp/verify", new { challengeToken = challenge, code = wrong });
        (await blocked.ShouldBeProblemAsync(429)).Text("reason").ShouldBe("blocked");
        int.Parse(blocked.Header("Retry-After")!, System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(800, 900);

        using var stillBlocked = await client.PostAsJsonAsync("/api/v1/totp/verify", new { challengeToken = challenge, code = Code(user.Secret, 30) });
        await stillBlocked.ShouldBeProblemAsync(429);
        stillBlocked.Header("Retry-After").ShouldNotBeNull();
    }

    [Fact]
    public async Task Step_up_verification_for_a_signed_in_user()
    {
        using var client = _host.CreateClient();
        var user = await EnrolAsync(client, "ada@example.com");
        using var wrong = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/verify", user.AccessToken, new { code = WrongCode(user.Secret) }));
        (await wrong.ShouldBeProblemAsync(400)).Text("reason").ShouldBe("invalid");

        using var right = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/verify", user.AccessToken, new { code = Code(user.Secret, 30) }));
        right.StatusCode.ShouldBe(HttpStatusCode.OK, await right.Content.ReadAsStringAsync());
        var json = await right.ReadJsonAsync();
        json.GetProperty("verified").GetBoolean().ShouldBeTrue();
        json.GetProperty("recoveryCodesLeft").GetInt32().ShouldBe(10);
        json.GetProperty("recoveryCodesLow").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task Bad_states_are_clear_4xx()
    {
        using var client = _host.CreateClient();
        await _host.RegisterAsync(client, "bob@example.com", Password);
        var token = (await _host.LoginAsync(client, "bob@example.com", Password)).Text("accessToken");

        using var enableWithoutSetup = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/enable", token, new { code = "123456" }));
        (await enableWithoutSetup.ShouldBeProblemAsync(409)).Text("detail").ShouldContain("setup");

        using var verifyWithoutEnrolment = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/verify", token, new { code = "123456" }));
        await verifyWithoutEnrolment.ShouldBeProblemAsync(409);

        using var backupWithoutEnrolment = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/backup-codes", token, new { code = "123456" }));
        await backupWithoutEnrolment.ShouldBeProblemAsync(409);

        using var status = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/totp/status", token));
        var json = await status.ReadJsonAsync();
        json.GetProperty("enabled").GetBoolean().ShouldBeFalse();
        json.GetProperty("since").ValueKind.ShouldBe(JsonValueKind.Null);
        json.GetProperty("recoveryCodesLeft").GetInt32().ShouldBe(0);

        var user = await EnrolAsync(client, "ada@example.com");
        using var setupWhileEnabled = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/setup", user.AccessToken));
        await setupWhileEnabled.ShouldBeProblemAsync(409);
        using var enableTwice = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/enable", user.AccessToken, new { code = Code(user.Secret, 30) }));
        await enableTwice.ShouldBeProblemAsync(409);

        using var anonymousSetup = await client.PostAsync("/api/v1/totp/setup", null);
        anonymousSetup.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("12a456")]
    [InlineData("1234567")]
    [InlineData("")]
    public async Task Malformed_codes_are_400_naming_code(string code)
    {
        using var client = _host.CreateClient();
        await _host.RegisterAsync(client, "ada@example.com", Password);
        var token = (await _host.LoginAsync(client, "ada@example.com", Password)).Text("accessToken");
        using var setup = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/setup", token));
        setup.StatusCode.ShouldBe(HttpStatusCode.OK);

        using var enable = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/enable", token, new { code }));
        var problem = await enable.ShouldBeProblemAsync(400);
        problem.Text("field").ShouldBe("code");
        problem.GetProperty("errors").TryGetProperty("code", out _).ShouldBeTrue();

        using var status = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/totp/status", token));
        (await status.ReadJsonAsync()).GetProperty("enabled").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task Malformed_codes_at_verify_are_400_naming_code()
    {
        using var client = _host.CreateClient();
        _ = await EnrolAsync(client, "ada@example.com");
        foreach (var code in new[] { "12a456", "1234567" })
        {
            using var response = await client.PostAsJsonAsync("/api/v1/totp/verify", new { challengeToken = await ChallengeAsync(client, "ada@example.com"), code });
            (await response.ShouldBeProblemAsync(400)).Text("field").ShouldBe("code");
        }
    }

    [Fact]
    public async Task Disable_needs_the_password_and_a_code()
    {
        using var client = _host.CreateClient();
        var user = await EnrolAsync(client, "ada@example.com");

        using var wrongPassword = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/disable", user.AccessToken,
            new { code = Code(user.Secret, 30), password = "not the password at all" }));
        await wrongPassword.ShouldBeProblemAsync(401);
        using var noPassword = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/disable", user.AccessToken, new { code = Code(user.Secret, 30) }));
        (await noPassword.ShouldBeProblemAsync(400)).Text("field").ShouldBe("password");
        using (var status = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/totp/status", user.AccessToken)))
        {
            (await status.ReadJsonAsync()).GetProperty("enabled").GetBoolean().ShouldBeTrue();
        }

        using var disabled = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/disable", user.AccessToken,
            new { code = Code(user.Secret, 30), password = Password }));
        disabled.StatusCode.ShouldBe(HttpStatusCode.NoContent, await disabled.Content.ReadAsStringAsync());

        var login = await _host.LoginAsync(client, "ada@example.com", Password);
        login.TryGetProperty("secondFactorRequired", out _).ShouldBeFalse();
        login.Text("accessToken").ShouldNotBeEmpty();
        using (var status = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/totp/status", user.AccessToken)))
        {
            (await status.ReadJsonAsync()).GetProperty("enabled").GetBoolean().ShouldBeFalse();
        }
    }

    [Fact]
    public async Task Backup_codes_replace_the_set()
    {
        using var client = _host.CreateClient();
        var user = await EnrolAsync(client, "ada@example.com");

        using var wrong = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/backup-codes", user.AccessToken, new { code = WrongCode(user.Secret) }));
        (await wrong.ShouldBeProblemAsync(400)).Text("reason").ShouldBe("invalid");

        using var renewed = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/backup-codes", user.AccessToken, new { code = Code(user.Secret, 30) }));
        renewed.StatusCode.ShouldBe(HttpStatusCode.OK, await renewed.Content.ReadAsStringAsync());
        var codes = (await renewed.ReadJsonAsync()).GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToList();
        codes.Count.ShouldBe(10);
        codes.ShouldNotContain(user.RecoveryCodes[0]);

        using var old = await client.PostAsJsonAsync("/api/v1/totp/verify", new { challengeToken = await ChallengeAsync(client, "ada@example.com"), recoveryCode = user.RecoveryCodes[0] });
        (await old.ShouldBeProblemAsync(401)).Text("reason").ShouldBe("invalid");
        using var fresh = await client.PostAsJsonAsync("/api/v1/totp/verify", new { challengeToken = await ChallengeAsync(client, "ada@example.com"), recoveryCode = codes[0] });
        fresh.StatusCode.ShouldBe(HttpStatusCode.OK, await fresh.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_pending_setup_QR_code_as_SVG()
    {
        using var client = _host.CreateClient();
        await _host.RegisterAsync(client, "ada@example.com", Password);
        var token = (await _host.LoginAsync(client, "ada@example.com", Password)).Text("accessToken");

        using var none = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/totp/setup/qr.svg", token));
        await none.ShouldBeProblemAsync(404);

        using var setup = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/setup", token));
        var secret = (await setup.ReadJsonAsync()).Text("secret");
        using var svg = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/totp/setup/qr.svg", token));
        svg.StatusCode.ShouldBe(HttpStatusCode.OK);
        svg.Content.Headers.ContentType?.MediaType.ShouldBe("image/svg+xml");
        (await svg.Content.ReadAsStringAsync()).ShouldContain("<svg");

        // Reading the QR code changes nothing: the secret still enables.
        using var enable = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/enable", token, new { code = Code(Base32.Decode(secret), 0) }));
        enable.StatusCode.ShouldBe(HttpStatusCode.OK, await enable.Content.ReadAsStringAsync());
        using var afterEnable = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/totp/setup/qr.svg", token));
        await afterEnable.ShouldBeProblemAsync(404);
    }

    private static string Code(byte[] secret, int offsetSeconds) => TotpCode.Compute(secret, TimeProvider.System.GetUtcNow().AddSeconds(offsetSeconds));

    /// <summary>A well-formed code far outside the window.</summary>
    private static string WrongCode(byte[] secret)
    {
        var valid = new[] { Code(secret, -30), Code(secret, 0), Code(secret, 30), Code(secret, 60) };
        for (var minutes = 10; ; minutes++)
        {
            var candidate = Code(secret, minutes * 60);
            if (!valid.Contains(candidate))
            {
                return candidate;
            }
        }
    }

    private async Task<string> ChallengeAsync(HttpClient client, string email)
    {
        var login = await _host.LoginAsync(client, email, Password);
        login.GetProperty("secondFactorRequired").GetBoolean().ShouldBeTrue();
        login.TryGetProperty("accessToken", out _).ShouldBeFalse();
        login.GetProperty("methods").EnumerateArray().Select(m => m.GetString()).ShouldContain("totp");
        return login.Text("challengeToken");
    }

    private async Task<Enrolled> EnrolAsync(HttpClient client, string email)
    {
        await _host.RegisterAsync(client, email, Password);
        var token = (await _host.LoginAsync(client, email, Password)).Text("accessToken");

        using var setup = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/setup", token));
        setup.StatusCode.ShouldBe(HttpStatusCode.OK, await setup.Content.ReadAsStringAsync());
        var json = await setup.ReadJsonAsync();
        json.Text("otpauthUri").ShouldStartWith("otpauth://totp/");
        json.Text("qrCodePng").ShouldStartWith("data:image/png;base64,");
        json.GetProperty("expiresAt").GetDateTimeOffset().ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(9));
        var secret = Base32.Decode(json.Text("secret"));

        using var enable = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/enable", token, new { code = Code(secret, 0) }));
        enable.StatusCode.ShouldBe(HttpStatusCode.OK, await enable.Content.ReadAsStringAsync());
        var codes = (await enable.ReadJsonAsync()).GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToList();
        return new Enrolled(token, secret, codes);
    }

    private sealed record Enrolled(string AccessToken, byte[] Secret, IReadOnlyList<string> RecoveryCodes);
}
