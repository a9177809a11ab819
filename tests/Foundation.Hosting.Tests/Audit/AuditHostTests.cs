using System.Net;
using System.Net.Http.Json;
using Foundation.Hosting.Tests.Infrastructure;
using Foundation.Hosting.Tests.Llm;

namespace Foundation.Hosting.Tests.Audit;

/// <summary>What the Audit and GDPR wiring tests share: the sample host's settings and signing a user up and in.</summary>
public abstract class AuditHostTests
{
    protected static Dictionary<string, string?> Settings() => new()
    {
        ["Foundation:Auth:Passwords:Pbkdf2Iterations"] = "100000",
        ["Foundation:Hosting:RateLimiting:Auth:PermitLimit"] = "100000",
        ["Foundation:Hosting:RateLimiting:Api:PermitLimit"] = "100000",
    };

    /// <summary>Registers <paramref name="email"/> and signs in; returns the access token.</summary>
    protected static async Task<string> SignInAsync(HttpClient client, string email)
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

/// <summary>A fresh PostgreSQL database (on <c>FOUNDATION_TEST_POSTGRES</c>) for one test class, dropped afterwards.</summary>
public sealed class AuditHostPostgresDatabase : IAsyncLifetime
{
    private readonly string _database = "fnd_audit_host_" + Guid.NewGuid().ToString("N")[..12];
    private string _connectionString = string.Empty;

    /// <summary><paramref name="settings"/> with the sample pointed at this database.</summary>
    public Dictionary<string, string?> Use(Dictionary<string, string?> settings)
    {
        settings["Foundation:Database:Provider"] = "PostgreSql";
        settings["Foundation:Database:ConnectionString"] = _connectionString;
        return settings;
    }

    public async Task InitializeAsync()
    {
        _connectionString = await TestPostgresDatabase.CreateAsync(_database);
    }

    public async Task DisposeAsync()
    {
        await TestPostgresDatabase.DropAsync(_database);
    }
}
