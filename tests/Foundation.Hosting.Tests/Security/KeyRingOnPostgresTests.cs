using System.Net;
using System.Net.Http.Json;
using Foundation.Auth.Totp.Encoding;
using Foundation.Hosting.Tests.Auth;
using Foundation.Hosting.Tests.Infrastructure;
using Foundation.Testing;
using Npgsql;
using static Foundation.Hosting.Tests.Totp.TotpHttp;

namespace Foundation.Hosting.Tests.Security;

/// <summary>
/// Two app instances with SEPARATE data directories on one PostgreSQL database (issue 16): the Data Protection key ring lives in the
/// database by default there, so a secret protected through one instance is read through the other.
/// </summary>
public sealed class KeyRingOnPostgresTests : IAsyncLifetime
{
    private readonly PostgresTestEngine _engine = new("fnd_keyring");
    private readonly FakeTimeProvider _clock = TestClock.Create();
    private readonly List<IDisposable> _owned = [];

    public Task InitializeAsync() => _engine.CreateAsync();

    public async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            owned.Dispose();
        }

        NpgsqlConnection.ClearAllPools();
        await _engine.DropAsync();
    }

    [Fact]
    public async Task Totp_set_up_through_one_instance_is_verified_through_the_other()
    {
        var (a, clientA) = Instance();
        var (b, clientB) = Instance();
        await a.RegisterAsync(clientA, "ada@example.com", Password);
        var token = (await b.LoginAsync(clientB, "ada@example.com", Password)).Text("accessToken");

        // The secret is protected by instance A (setup), read back by instance B (enable), then by A again (login).
        using var setup = await clientA.SendAsync(a.Authorized(HttpMethod.Post, "/api/v1/totp/setup", token));
        setup.StatusCode.ShouldBe(HttpStatusCode.OK, await setup.Content.ReadAsStringAsync());
        var secret = Base32.Decode((await setup.ReadJsonAsync()).Text("secret"));
        using (var enable = await clientB.SendAsync(b.Authorized(HttpMethod.Post, "/api/v1/totp/enable", token, new { code = Code(secret, _clock) })))
        {
            enable.StatusCode.ShouldBe(HttpStatusCode.OK, await enable.Content.ReadAsStringAsync());
        }

        using var verified = await clientA.PostAsJsonAsync("/api/v1/totp/verify", new { challengeToken = await b.ChallengeAsync(clientB, "ada@example.com"), code = Code(secret, _clock, 30) });
        verified.StatusCode.ShouldBe(HttpStatusCode.OK, await verified.Content.ReadAsStringAsync());

        // One ring, in the database: neither data directory holds a key.
        await using var connection = new NpgsqlConnection(_engine.ConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM foundation_data_protection_keys WHERE friendly_name LIKE 'key-%'", connection);
        ((long)(await count.ExecuteScalarAsync())!).ShouldBe(1);
        foreach (var host in new[] { a, b })
        {
            var keys = Path.Combine(host.DataDirectory, "keys");
            (Directory.Exists(keys) ? Directory.GetFiles(keys) : []).ShouldBeEmpty();
        }
    }

    [Fact]
    public async Task Instances_with_separate_folder_key_rings_answer_503_naming_the_cause_never_500()
    {
        // The operator's mistake the issue reproduced: one database, a key ring per instance. A token issued by B is
        // signed with a key only B's ring can unprotect, so A cannot validate it.
        var (a, clientA) = Instance(KeyRingLocation.Folder);
        var (b, clientB) = Instance(KeyRingLocation.Folder);
        await b.RegisterAsync(clientB, "ada@example.com", Password);
        var token = (await b.LoginAsync(clientB, "ada@example.com", Password)).Text("accessToken");

        using var setup = await clientA.SendAsync(a.Authorized(HttpMethod.Post, "/api/v1/totp/setup", token));
        var body = await setup.Content.ReadAsStringAsync();
        setup.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, body);
        var problem = await setup.ReadJsonAsync();
        problem.Text("code").ShouldBe("secret_unavailable");
        problem.Text("title").ShouldBe("A stored secret cannot be read by this server");
        body.ShouldNotContain("ProtectedKey");
    }

    private (AuthTestHost Host, HttpClient Client) Instance(KeyRingLocation? keyRing = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Foundation:Database:Provider"] = "PostgreSql",
            ["Foundation:Database:ConnectionString"] = _engine.ConnectionString,
        };
        if (keyRing is { } location)
        {
            settings["Foundation:DataProtection:KeyRing"] = location.ToString();
        }

        var host = new AuthTestHost(settings);
        var factory = host.WithClock(_clock);
        var client = factory.CreateClient();
        _owned.Add(host);
        _owned.Add(factory);
        _owned.Add(client);
        return (host, client);
    }
}
