using System.Net;
using System.Net.Http.Json;
using Foundation.Audit.Writing;
using Foundation.Auditing;
using Foundation.Hosting.Tests.Infrastructure;
using Foundation.Hosting.Tests.Llm;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Foundation.Hosting.Tests.Audit;

/// <summary>AddFoundation() makes the audit log durable and MapFoundationEndpoints() serves it: a login lands in audit_events and verifies.</summary>
public abstract class AuditWiringTests
{
    protected static Dictionary<string, string?> Settings() => new()
    {
        ["Foundation:Auth:Passwords:Pbkdf2Iterations"] = "100000",
        ["Foundation:Hosting:RateLimiting:Auth:PermitLimit"] = "100000",
        ["Foundation:Hosting:RateLimiting:Api:PermitLimit"] = "100000",
    };

    protected static async Task RunAsync(Dictionary<string, string?> settings)
    {
        using var factory = new SampleAppFactory(settings);
        using var client = factory.CreateClient();
        factory.Services.GetRequiredService<IAuditEventWriter>().ShouldBeOfType<DurableAuditEventWriter>();
        var admin = await SignInAsync(client, "admin@example.com");
        using (var wrong = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "admin@example.com", password = "not the password" }))
        {
            wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        await factory.Services.GetRequiredService<DurableAuditEventWriter>().FlushAsync();

        using (var events = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Get, "/api/v1/audit/events?action=auth.login", admin)))
        {
            events.StatusCode.ShouldBe(HttpStatusCode.OK, await events.Content.ReadAsStringAsync());
            var items = (await events.ReadJsonAsync()).GetProperty("items").EnumerateArray().ToList();
            items.ShouldContain(e => e.GetProperty("outcome").GetString() == "failure");
            items.ShouldContain(e => e.GetProperty("outcome").GetString() == "success");
        }

        using (var verify = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Get, "/api/v1/audit/verify", admin)))
        {
            verify.StatusCode.ShouldBe(HttpStatusCode.OK, await verify.Content.ReadAsStringAsync());
            var body = await verify.ReadJsonAsync();
            body.GetProperty("valid").GetBoolean().ShouldBeTrue(body.ToString());
            body.GetProperty("lastSeq").GetInt64().ShouldBeGreaterThanOrEqualTo(2);
        }

        var member = await SignInAsync(client, "member@example.com");
        using var refused = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Get, "/api/v1/audit/events", member));
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    private static async Task<string> SignInAsync(HttpClient client, string email)
    {
        using (var register = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password = LlmTestHost.Password }))
        {
            register.StatusCode.ShouldBe(HttpStatusCode.Created, await register.Content.ReadAsStringAsync());
        }

        using var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = LlmTestHost.Password });
        login.StatusCode.ShouldBe(HttpStatusCode.OK, await login.Content.ReadAsStringAsync());
        return (await login.ReadJsonAsync()).Text("accessToken");
    }
}

public sealed class AuditWiringOnSqliteTests : AuditWiringTests
{
    [Fact]
    public Task A_login_lands_in_the_durable_audit_log_and_verifies_on_sqlite() => RunAsync(Settings());
}

public sealed class AuditWiringOnPostgresTests : AuditWiringTests, IAsyncLifetime
{
    private readonly string _database = "fnd_audit_http_" + Guid.NewGuid().ToString("N")[..12];
    private string _connectionString = string.Empty;

    public async Task InitializeAsync()
    {
        var admin = Environment.GetEnvironmentVariable("FOUNDATION_TEST_POSTGRES");
        admin.ShouldNotBeNullOrEmpty("FOUNDATION_TEST_POSTGRES is not set. Run the tests through ./eng/test.sh, which starts PostgreSQL and sets it.");
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_database}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        _connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = _database }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        var admin = Environment.GetEnvironmentVariable("FOUNDATION_TEST_POSTGRES");
        if (!string.IsNullOrEmpty(admin))
        {
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public Task A_login_lands_in_the_durable_audit_log_and_verifies_on_postgres()
    {
        var settings = Settings();
        settings["Foundation:Database:Provider"] = "PostgreSql";
        settings["Foundation:Database:ConnectionString"] = _connectionString;
        return RunAsync(settings);
    }
}
