using System.Net;
using System.Net.Http.Json;
using Foundation.Hosting.Tests.Auth;
using Foundation.Hosting.Tests.Infrastructure;
using Npgsql;
using static Foundation.Hosting.Tests.Totp.TotpHttp;

namespace Foundation.Hosting.Tests.Totp;

/// <summary>
/// The TOTP login over HTTP on PostgreSQL, with two app instances (two hosts in this process) sharing one database, one key
/// ring and one clock: a code, a challenge and a trusted device work once or everywhere, whichever instance is asked.
/// </summary>
public sealed class TotpOnPostgresTests : IAsyncLifetime
{
    private readonly string _database = "fnd_totp_http_" + Guid.NewGuid().ToString("N")[..12];
    private readonly TempDirectory _shared = new();
    private readonly FakeTimeProvider _clock = TestClock.Create();
    private readonly List<IDisposable> _owned = [];
    private string _connectionString = string.Empty;

    public async Task InitializeAsync()
    {
        _connectionString = await TestPostgresDatabase.CreateAsync(_database);
    }

    public async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            owned.Dispose();
        }

        await TestPostgresDatabase.DropAsync(_database);

        _shared.Dispose();
    }

    [Fact]
    public async Task Login_challenge_then_code_gives_tokens_and_a_replayed_code_is_refused_on_the_other_instance()
    {
        var (a, clientA) = Instance();
        var (b, clientB) = Instance();
        var user = await a.EnrolAsync(clientA, "ada@example.com", _clock);

        var code = Code(user.Secret, _clock, 30);
        using (var verified = await clientB.PostAsJsonAsync("/api/v1/totp/verify", new { challengeToken = await a.ChallengeAsync(clientA, "ada@example.com"), code }))
        {
            verified.StatusCode.ShouldBe(HttpStatusCode.OK, await verified.Content.ReadAsStringAsync());
            var tokens = await verified.ReadJsonAsync();
            tokens.Text("refreshToken").ShouldNotBeEmpty();
            using var me = await clientA.SendAsync(a.Authorized(HttpMethod.Get, "/api/v1/auth/me", tokens.Text("accessToken")));
            me.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using var replayed = await clientA.PostAsJsonAsync("/api/v1/totp/verify", new { challengeToken = await b.ChallengeAsync(clientB, "ada@example.com"), code });
        (await replayed.ShouldBeProblemAsync(401)).Text("reason").ShouldBe("replayed");
    }

    [Fact]
    public async Task One_challenge_completes_one_login_across_both_instances()
    {
        var (a, clientA) = Instance();
        var (b, clientB) = Instance();
        var user = await a.EnrolAsync(clientA, "ada@example.com", _clock);
        var challenge = await a.ChallengeAsync(clientA, "ada@example.com");

        var attempts = new (HttpClient Client, object Body)[]
        {
            (clientA, new { challengeToken = challenge, recoveryCode = user.RecoveryCodes[0] }),
            (clientB, new { challengeToken = challenge, recoveryCode = user.RecoveryCodes[1] }),
            (clientA, new { challengeToken = challenge, recoveryCode = user.RecoveryCodes[2] }),
            (clientB, new { challengeToken = challenge, code = Code(user.Secret, _clock, 30) }),
        };
        var statuses = await Task.WhenAll(attempts.Select(async attempt =>
        {
            using var response = await attempt.Client.PostAsJsonAsync("/api/v1/totp/verify", attempt.Body);
            return response.StatusCode;
        }));
        statuses.Count(s => s == HttpStatusCode.OK).ShouldBe(1, string.Join(", ", statuses));
        statuses.Count(s => s == HttpStatusCode.Unauthorized).ShouldBe(3);

        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM auth_sessions WHERE second_factor_verified_at IS NOT NULL", connection);
        ((long)(await count.ExecuteScalarAsync())!).ShouldBe(1);
    }

    [Fact]
    public async Task A_device_remembered_on_one_instance_skips_the_code_on_the_other_until_revoked_there()
    {
        var (a, clientA) = Instance();
        var (b, clientB) = Instance();
        var user = await a.EnrolAsync(clientA, "ada@example.com", _clock);

        using var verified = await clientA.PostAsJsonAsync("/api/v1/totp/verify", new
        {
            challengeToken = await a.ChallengeAsync(clientA, "ada@example.com"),
            code = Code(user.Secret, _clock, 30),
            rememberDevice = true,
        });
        verified.StatusCode.ShouldBe(HttpStatusCode.OK, await verified.Content.ReadAsStringAsync());
        var answer = await verified.ReadJsonAsync();
        var deviceToken = answer.Text("deviceToken");

        using (var onB = await LoginWithDeviceAsync(clientB, "ada@example.com", null, deviceToken))
        {
            (await onB.ReadJsonAsync()).Text("accessToken").ShouldNotBeEmpty();
        }

        var status = await b.StatusAsync(clientB, answer.Text("accessToken"));
        var device = status.GetProperty("trustedDevices").EnumerateArray().ShouldHaveSingleItem();
        device.GetProperty("lastUsedAt").GetDateTimeOffset().ShouldBe(_clock.GetUtcNow(), TimeSpan.FromSeconds(1));

        using (var revoke = await clientB.SendAsync(b.Authorized(HttpMethod.Delete, "/api/v1/totp/trusted-devices", answer.Text("accessToken"))))
        {
            (await revoke.ReadJsonAsync()).GetProperty("revoked").GetInt32().ShouldBe(1);
        }

        using var onA = await LoginWithDeviceAsync(clientA, "ada@example.com", deviceToken);
        (await onA.ReadJsonAsync()).GetProperty("secondFactorRequired").GetBoolean().ShouldBeTrue();
    }

    private (AuthTestHost Host, HttpClient Client) Instance()
    {
        var host = new AuthTestHost(new Dictionary<string, string?>
        {
            ["Foundation:Database:Provider"] = "PostgreSql",
            ["Foundation:Database:ConnectionString"] = _connectionString,
            ["Foundation:DataProtection:KeysDirectory"] = Path.Combine(_shared.Path, "keys"),
        });
        var factory = host.WithClock(_clock);
        var client = factory.CreateClient();
        _owned.Add(host);
        _owned.Add(factory);
        _owned.Add(client);
        return (host, client);
    }
}
