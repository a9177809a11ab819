using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Foundation.Auditing;
using Foundation.Auth.Storage;
using Foundation.Auth.Totp.Storage;
using Foundation.Hosting.Tests.Auth;
using Foundation.Hosting.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Foundation.Hosting.Tests.Totp.TotpHttp;

namespace Foundation.Hosting.Tests.Totp;

/// <summary>
/// Trusted devices, single-use challenges, the password check of disable, blocks and bad input over HTTP, on the sample
/// host (SQLite) with a clock the test moves.
/// </summary>
public sealed class TotpTrustedDeviceEndpointTests : IDisposable
{
    private readonly AuthTestHost _host = new();
    private readonly FakeTimeProvider _clock = TestClock.Create();
    private readonly WebApplicationFactory<Program> _factory;

    public TotpTrustedDeviceEndpointTests() => _factory = _host.WithClock(_clock);

    public void Dispose()
    {
        _factory.Dispose();
        _host.Dispose();
    }

    [Fact]
    public async Task Remember_this_device_skips_the_code_at_login_until_revoked()
    {
        using var client = _factory.CreateClient();
        var user = await _host.EnrolAsync(client, "ada@example.com", _clock);

        using var verified = await client.PostAsJsonAsync("/api/v1/totp/verify", new
        {
            challengeToken = await _host.ChallengeAsync(client, "ada@example.com"),
            code = Code(user.Secret, _clock, 30),
            rememberDevice = true,
            deviceName = "Ada's laptop",
        });
        verified.StatusCode.ShouldBe(HttpStatusCode.OK, await verified.Content.ReadAsStringAsync());
        var answer = await verified.ReadJsonAsync();
        answer.Text("accessToken").ShouldNotBeEmpty();
        var deviceToken = answer.Text("deviceToken");
        deviceToken.ShouldStartWith("fnd_dev_");
        answer.GetProperty("deviceTokenExpiresAt").GetDateTimeOffset().ShouldBe(_clock.GetUtcNow().AddDays(30), TimeSpan.FromSeconds(1));
        var deviceId = answer.GetProperty("deviceId").GetGuid();

        // Body field (primary) and header both skip the challenge.
        _clock.Advance(TimeSpan.FromMinutes(1));
        using (var byBody = await LoginWithDeviceAsync(client, "ada@example.com", deviceToken))
        {
            byBody.StatusCode.ShouldBe(HttpStatusCode.OK);
            var tokens = await byBody.ReadJsonAsync();
            tokens.TryGetProperty("secondFactorRequired", out _).ShouldBeFalse();
            tokens.Text("accessToken").ShouldNotBeEmpty();
        }

        using (var byHeader = await LoginWithDeviceAsync(client, "ada@example.com", null, deviceToken))
        {
            (await byHeader.ReadJsonAsync()).Text("accessToken").ShouldNotBeEmpty();
        }

        using (var both = await LoginWithDeviceAsync(client, "ada@example.com", deviceToken, "fnd_dev_" + new string('A', 43)))
        {
            (await both.ShouldBeProblemAsync(400)).Text("field").ShouldBe("deviceToken");
        }

        using (var wrongPassword = await LoginWithDeviceAsync(client, "ada@example.com", deviceToken, password: "not the password at all"))
        {
            await wrongPassword.ShouldBeProblemAsync(401);
        }

        _host.Audit.Events.Count(e => e.Action == "totp.trusted_device.used" && e.Outcome == AuditOutcome.Success).ShouldBe(2);

        var status = await _host.StatusAsync(client, user.AccessToken);
        status.GetRawText().ShouldNotContain(deviceToken);
        var device = status.GetProperty("trustedDevices").EnumerateArray().ShouldHaveSingleItem();
        device.GetProperty("id").GetGuid().ShouldBe(deviceId);
        device.Text("name").ShouldBe("Ada's laptop");
        device.GetProperty("createdAt").GetDateTimeOffset().ShouldBe(_clock.GetUtcNow().AddMinutes(-1), TimeSpan.FromSeconds(1));
        device.GetProperty("lastUsedAt").GetDateTimeOffset().ShouldBe(_clock.GetUtcNow(), TimeSpan.FromSeconds(1));
        device.GetProperty("expiresAt").ValueKind.ShouldBe(JsonValueKind.String);
        device.EnumerateObject().Select(p => p.Name).ShouldBe(["id", "name", "createdAt", "lastUsedAt", "expiresAt"]);

        using (var revoke = await client.SendAsync(_host.Authorized(HttpMethod.Delete, $"/api/v1/totp/trusted-devices/{deviceId}", user.AccessToken)))
        {
            revoke.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        using (var again = await client.SendAsync(_host.Authorized(HttpMethod.Delete, $"/api/v1/totp/trusted-devices/{deviceId}", user.AccessToken)))
        {
            await again.ShouldBeProblemAsync(404);
        }

        using var afterRevoke = await LoginWithDeviceAsync(client, "ada@example.com", deviceToken);
        (await afterRevoke.ReadJsonAsync()).GetProperty("secondFactorRequired").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task Another_users_device_is_404_a_bad_id_is_400_and_all_can_be_revoked()
    {
        using var client = _factory.CreateClient();
        var ada = await _host.EnrolAsync(client, "ada@example.com", _clock);
        var bob = await _host.EnrolAsync(client, "bob@example.com", _clock);
        var adaDevice = await RememberAsync(client, "ada@example.com", ada);
        await RememberAsync(client, "ada@example.com", ada);
        var bobDevice = await RememberAsync(client, "bob@example.com", bob);

        using (var foreign = await client.SendAsync(_host.Authorized(HttpMethod.Delete, $"/api/v1/totp/trusted-devices/{adaDevice.Id}", bob.AccessToken)))
        {
            await foreign.ShouldBeProblemAsync(404);
        }

        using (var bad = await client.SendAsync(_host.Authorized(HttpMethod.Delete, "/api/v1/totp/trusted-devices/not-a-guid", bob.AccessToken)))
        {
            (await bad.ShouldBeProblemAsync(400)).Text("field").ShouldBe("id");
        }

        using (var anonymous = await client.DeleteAsync($"/api/v1/totp/trusted-devices/{adaDevice.Id}"))
        {
            anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        (await _host.StatusAsync(client, ada.AccessToken)).GetProperty("trustedDevices").GetArrayLength().ShouldBe(2);

        using (var all = await client.SendAsync(_host.Authorized(HttpMethod.Delete, "/api/v1/totp/trusted-devices", ada.AccessToken)))
        {
            all.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await all.ReadJsonAsync()).GetProperty("revoked").GetInt32().ShouldBe(2);
        }

        (await _host.StatusAsync(client, ada.AccessToken)).GetProperty("trustedDevices").GetArrayLength().ShouldBe(0);
        using var bobLogin = await LoginWithDeviceAsync(client, "bob@example.com", bobDevice.Token);
        (await bobLogin.ReadJsonAsync()).Text("accessToken").ShouldNotBeEmpty();
        using var adaLogin = await LoginWithDeviceAsync(client, "ada@example.com", adaDevice.Token);
        (await adaLogin.ReadJsonAsync()).GetProperty("secondFactorRequired").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task A_password_change_and_turning_TOTP_off_revoke_every_device()
    {
        using var client = _factory.CreateClient();
        var user = await _host.EnrolAsync(client, "ada@example.com", _clock);
        var device = await RememberAsync(client, "ada@example.com", user);

        const string NewPassword = "a brand new long passphrase";
        using (var changed = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/auth/password", device.AccessToken,
            new { currentPassword = Password, newPassword = NewPassword })))
        {
            changed.StatusCode.ShouldBe(HttpStatusCode.OK, await changed.Content.ReadAsStringAsync());
        }

        using (var login = await LoginWithDeviceAsync(client, "ada@example.com", device.Token, password: NewPassword))
        {
            (await login.ReadJsonAsync()).GetProperty("secondFactorRequired").GetBoolean().ShouldBeTrue("the password change revoked the device");
        }

        _host.Audit.Events.ShouldContain(e => e.Action == "totp.trusted_devices.revoked" && e.Data["reason"] == "password-changed: 1 revoked");

        // Remember again, then turn TOTP off: the device is forgotten with the enrolment.
        var again = await RememberAsync(client, "ada@example.com", user, NewPassword);
        (await _host.StatusAsync(client, again.AccessToken)).GetProperty("trustedDevices").GetArrayLength().ShouldBe(1);
        _clock.Advance(TimeSpan.FromSeconds(90));
        using (var disabled = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/disable", again.AccessToken,
            new { code = Code(user.Secret, _clock), password = NewPassword })))
        {
            disabled.StatusCode.ShouldBe(HttpStatusCode.NoContent, await disabled.Content.ReadAsStringAsync());
        }

        (await _host.StatusAsync(client, again.AccessToken)).GetProperty("trustedDevices").GetArrayLength().ShouldBe(0);
        await using var scope = _factory.Services.CreateAsyncScope();
        (await scope.ServiceProvider.GetRequiredService<TotpDbContext>().TrustedDevices.CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task A_bad_device_name_or_remembering_in_a_step_up_is_400_and_spends_nothing()
    {
        using var client = _factory.CreateClient();
        var user = await _host.EnrolAsync(client, "ada@example.com", _clock);
        var challenge = await _host.ChallengeAsync(client, "ada@example.com");
        var code = Code(user.Secret, _clock, 30);

        using (var tooLong = await client.PostAsJsonAsync("/api/v1/totp/verify", new { challengeToken = challenge, code, rememberDevice = true, deviceName = new string('x', 101) }))
        {
            (await tooLong.ShouldBeProblemAsync(400)).Text("field").ShouldBe("deviceName");
        }

        using (var stepUp = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/verify", user.AccessToken, new { code, rememberDevice = true })))
        {
            (await stepUp.ShouldBeProblemAsync(400)).Text("field").ShouldBe("rememberDevice");
        }

        // Neither the code nor the challenge was spent.
        using var ok = await client.PostAsJsonAsync("/api/v1/totp/verify", new { challengeToken = challenge, code });
        ok.StatusCode.ShouldBe(HttpStatusCode.OK, await ok.Content.ReadAsStringAsync());
        (await ok.ReadJsonAsync()).TryGetProperty("deviceToken", out _).ShouldBeFalse();
        (await _host.StatusAsync(client, user.AccessToken)).GetProperty("trustedDevices").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task A_challenge_completes_one_login_even_with_several_valid_factors_at_once()
    {
        using var client = _factory.CreateClient();
        var user = await _host.EnrolAsync(client, "ada@example.com", _clock);
        var challenge = await _host.ChallengeAsync(client, "ada@example.com");

        // Four concurrent completions of one challenge, each with its own valid recovery code and one with a code.
        var bodies = new object[]
        {
            new { challengeToken = challenge, recoveryCode = user.RecoveryCodes[0] },
            new { challengeToken = challenge, recoveryCode = user.RecoveryCodes[1] },
            new { challengeToken = challenge, recoveryCode = user.RecoveryCodes[2] },
            new { challengeToken = challenge, code = Code(user.Secret, _clock, 30) },
        };
        var statuses = await Task.WhenAll(bodies.Select(async body =>
        {
            using var response = await client.PostAsJsonAsync("/api/v1/totp/verify", body);
            return response.StatusCode;
        }));
        statuses.Count(s => s == HttpStatusCode.OK).ShouldBe(1, string.Join(", ", statuses));
        statuses.Count(s => s == HttpStatusCode.Unauthorized).ShouldBe(3);
        (await TwoFactorSessionsAsync()).ShouldBe(1);

        // Used once: later attempts are refused before spending a recovery code.
        var before = (await _host.StatusAsync(client, user.AccessToken)).GetProperty("recoveryCodesLeft").GetInt32();
        using var replay = await client.PostAsJsonAsync("/api/v1/totp/verify", new { challengeToken = challenge, recoveryCode = user.RecoveryCodes[5] });
        (await replay.ShouldBeProblemAsync(401)).Text("detail").ShouldContain("already used");
        (await _host.StatusAsync(client, user.AccessToken)).GetProperty("recoveryCodesLeft").GetInt32().ShouldBe(before);
        (await TwoFactorSessionsAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task Wrong_passwords_at_disable_count_toward_the_account_lockout()
    {
        using var client = _factory.CreateClient();
        var user = await _host.EnrolAsync(client, "ada@example.com", _clock);
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/disable", user.AccessToken,
                new { code = Code(user.Secret, _clock, 30), password = "wrong password number " + i }));
            await wrong.ShouldBeProblemAsync(401);
        }

        _host.Audit.Events.ShouldContain(e => e.Action == "auth.lockout");
        using (var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "ada@example.com", password = Password }))
        {
            login.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "five wrong passwords at disable locked the account");
        }

        using (var right = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/disable", user.AccessToken,
            new { code = Code(user.Secret, _clock, 30), password = Password })))
        {
            (await right.ShouldBeProblemAsync(401)).Text("detail").ShouldContain("locked");
        }

        (await _host.StatusAsync(client, user.AccessToken)).GetProperty("enabled").GetBoolean().ShouldBeTrue();
        _clock.Advance(TimeSpan.FromMinutes(16));
        await _host.ChallengeAsync(client, "ada@example.com");
    }

    [Fact]
    public async Task Disable_and_new_backup_codes_are_429_while_the_second_factor_is_blocked()
    {
        using var client = _factory.CreateClient();
        var user = await _host.EnrolAsync(client, "ada@example.com", _clock);
        var wrong = WrongCode(user.Secret, _clock);
        for (var i = 0; i < 5; i++)
        {
            using var refused = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/backup-codes", user.AccessToken, new { code = wrong }));
            ((int)refused.StatusCode).ShouldBe(i < 4 ? 400 : 429);
        }

        using (var disable = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/disable", user.AccessToken,
            new { code = Code(user.Secret, _clock, 30), password = Password })))
        {
            (await disable.ShouldBeProblemAsync(429)).Text("reason").ShouldBe("blocked");
            int.Parse(disable.Header("Retry-After")!, System.Globalization.CultureInfo.InvariantCulture).ShouldBe(900);
        }

        using (var backup = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/backup-codes", user.AccessToken, new { code = Code(user.Secret, _clock, 30) })))
        {
            await backup.ShouldBeProblemAsync(429);
            backup.Header("Retry-After").ShouldNotBeNull();
        }

        var status = await _host.StatusAsync(client, user.AccessToken);
        status.GetProperty("enabled").GetBoolean().ShouldBeTrue();
        status.GetProperty("recoveryCodesLeft").GetInt32().ShouldBe(10);

        // When the block ends, the same request works.
        _clock.Advance(TimeSpan.FromMinutes(15));
        using var after = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/disable", user.AccessToken,
            new { code = Code(user.Secret, _clock), password = Password }));
        after.StatusCode.ShouldBe(HttpStatusCode.NoContent, await after.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_expired_setup_is_410_and_a_new_setup_works()
    {
        using var client = _factory.CreateClient();
        await _host.RegisterAsync(client, "ada@example.com", Password);
        var token = (await _host.LoginAsync(client, "ada@example.com", Password)).Text("accessToken");
        using var setup = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/setup", token));
        var secret = Foundation.Auth.Totp.Encoding.Base32.Decode((await setup.ReadJsonAsync()).Text("secret"));

        _clock.Advance(TimeSpan.FromMinutes(10));
        using (var expired = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/enable", token, new { code = Code(secret, _clock) })))
        {
            (await expired.ShouldBeProblemAsync(410)).Text("detail").ShouldContain("start the setup again");
        }

        (await _host.StatusAsync(client, token)).GetProperty("enabled").GetBoolean().ShouldBeFalse();
        using (var qr = await client.SendAsync(_host.Authorized(HttpMethod.Get, "/api/v1/totp/setup/qr.svg", token)))
        {
            await qr.ShouldBeProblemAsync(404);
        }

        using var restarted = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/setup", token));
        var fresh = Foundation.Auth.Totp.Encoding.Base32.Decode((await restarted.ReadJsonAsync()).Text("secret"));
        using var enabled = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/enable", token, new { code = Code(fresh, _clock) }));
        enabled.StatusCode.ShouldBe(HttpStatusCode.OK, await enabled.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Bad_input_is_a_clear_4xx_and_changes_nothing()
    {
        using var client = _factory.CreateClient();
        await _host.RegisterAsync(client, "bob@example.com", Password);
        var bob = (await _host.LoginAsync(client, "bob@example.com", Password)).Text("accessToken");

        // Without enrolment: verify, disable (right password) and backup codes are 409; nothing is created.
        using (var verify = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/verify", bob, new { code = "123456" })))
        {
            (await verify.ShouldBeProblemAsync(409)).Text("detail").ShouldContain("not set up");
        }

        using (var disable = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/disable", bob, new { code = "123456", password = Password })))
        {
            (await disable.ShouldBeProblemAsync(409)).Text("detail").ShouldContain("not set up");
        }

        using (var enable = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/enable", bob, new { code = "123456" })))
        {
            await enable.ShouldBeProblemAsync(409);
        }

        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            (await scope.ServiceProvider.GetRequiredService<TotpDbContext>().Enrollments.CountAsync()).ShouldBe(0);
        }

        // Enrolled: a non-digit code, 7 digits for a 6-digit secret, enabling twice: 4xx, no failure counted, nothing spent.
        var user = await _host.EnrolAsync(client, "ada@example.com", _clock);
        foreach (var code in new[] { "12a456", "1234567", "１２３４５６" })
        {
            using var stepUp = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/verify", user.AccessToken, new { code }));
            (await stepUp.ShouldBeProblemAsync(400)).Text("field").ShouldBe("code");
            using var disable = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/disable", user.AccessToken, new { code, password = Password }));
            (await disable.ShouldBeProblemAsync(400)).Text("field").ShouldBe("code");
        }

        using (var twice = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/enable", user.AccessToken, new { code = Code(user.Secret, _clock, 30) })))
        {
            await twice.ShouldBeProblemAsync(409);
        }

        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var row = await scope.ServiceProvider.GetRequiredService<TotpDbContext>().Enrollments.AsNoTracking().SingleAsync();
            row.FailedCount.ShouldBe(0);
            row.BlockedUntil.ShouldBeNull();
        }

        var status = await _host.StatusAsync(client, user.AccessToken);
        status.GetProperty("enabled").GetBoolean().ShouldBeTrue();
        status.GetProperty("recoveryCodesLeft").GetInt32().ShouldBe(10);
        using var ok = await client.SendAsync(_host.Authorized(HttpMethod.Post, "/api/v1/totp/verify", user.AccessToken, new { code = Code(user.Secret, _clock, 30) }));
        ok.StatusCode.ShouldBe(HttpStatusCode.OK, "the code the enable-twice attempt carried was not spent");
    }

    private async Task<int> TwoFactorSessionsAsync()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AuthDbContext>().Sessions.CountAsync(s => s.SecondFactorVerifiedAt != null);
    }

    /// <summary>Moves the clock to the next step, completes a login with its code and remembers the device.</summary>
    private async Task<(Guid Id, string Token, string AccessToken)> RememberAsync(HttpClient client, string email, Enrolled user, string password = Password)
    {
        _clock.Advance(TimeSpan.FromSeconds(30));
        using var response = await client.PostAsJsonAsync("/api/v1/totp/verify", new
        {
            challengeToken = await _host.ChallengeAsync(client, email, password),
            code = Code(user.Secret, _clock),
            rememberDevice = true,
        });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var json = await response.ReadJsonAsync();
        return (json.GetProperty("deviceId").GetGuid(), json.Text("deviceToken"), json.Text("accessToken"));
    }
}
