using System.Net;
using System.Net.Http.Json;
using Foundation.Audit.Writing;
using Foundation.Auditing;
using Foundation.Hosting.Tests.Infrastructure;
using Foundation.Hosting.Tests.Llm;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Hosting.Tests.Audit;

/// <summary>AddFoundation() makes the audit log durable and MapFoundationEndpoints() serves it: a login lands in audit_events and verifies.</summary>
public abstract class AuditWiringTests : AuditHostTests
{
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
}

public sealed class AuditWiringOnSqliteTests : AuditWiringTests
{
    [Fact]
    public Task A_login_lands_in_the_durable_audit_log_and_verifies_on_sqlite() => RunAsync(Settings());
}

public sealed class AuditWiringOnPostgresTests(AuditHostPostgresDatabase database) : AuditWiringTests, IClassFixture<AuditHostPostgresDatabase>
{
    [Fact]
    public Task A_login_lands_in_the_durable_audit_log_and_verifies_on_postgres() => RunAsync(database.Use(Settings()));
}
