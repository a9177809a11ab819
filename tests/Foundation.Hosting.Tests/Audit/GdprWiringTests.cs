using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Foundation.Audit.Writing;
using Foundation.Hosting.Tests.Infrastructure;
using Foundation.Hosting.Tests.Llm;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Hosting.Tests.Audit;

/// <summary>
/// GDPR through the full host: AddFoundation() registers every package's personal-data provider and MapFoundationEndpoints() maps
/// /api/v1/gdpr. A user with an account, a session, an uploaded file and audit events is exported, erased (account and sessions deleted, the
/// file kept without its uploader, audit fields shredded) and then has an empty export, a dead token and a chain that still verifies.
/// </summary>
public abstract class GdprWiringTests : AuditHostTests
{
    protected static async Task RunAsync(Dictionary<string, string?> settings)
    {
        using var factory = new SampleAppFactory(settings);
        using var client = factory.CreateClient();
        var admin = await SignInAsync(client, "owner@example.com");
        var ada = await SignInAsync(client, "ada@example.com");
        string adaId;
        using (var me = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Get, "/api/v1/auth/me", ada)))
        {
            adaId = (await me.ReadJsonAsync()).Text("id");
        }

        var upload = LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/files", ada);
        var part = new ByteArrayContent(Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"));
        part.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        upload.Content = new MultipartFormDataContent { { part, "file", "ada-cv.pdf" } };
        using (var created = await client.SendAsync(upload))
        {
            created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        await factory.Services.GetRequiredService<DurableAuditEventWriter>().FlushAsync();

        // Her own export, and the owner's export of her: every package's section, no secret.
        var mine = await GetJsonAsync(client, "/api/v1/gdpr/export/me", ada);
        var export = await GetJsonAsync(client, $"/api/v1/gdpr/export/{adaId}", admin);
        foreach (var body in new[] { mine, export })
        {
            var sections = body.GetProperty("sections");
            sections.GetProperty("auth").GetProperty("account").Text("email").ShouldBe("ada@example.com");
            sections.GetProperty("auth").GetProperty("sessions").GetArrayLength().ShouldBeGreaterThanOrEqualTo(1);
            sections.GetProperty("storage").GetProperty("files")[0].Text("name").ShouldBe("ada-cv.pdf");
            sections.GetProperty("audit").GetProperty("events").EnumerateArray().ShouldContain(e => e.GetProperty("action").GetString() == "auth.login");
            body.GetRawText().ShouldNotContain("passwordHash", Case.Insensitive);
        }

        using (var member = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, $"/api/v1/gdpr/erase/{adaId}", ada)))
        {
            member.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        JsonElement report;
        using (var erased = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, $"/api/v1/gdpr/erase/{adaId}", admin)))
        {
            erased.StatusCode.ShouldBe(HttpStatusCode.OK, await erased.Content.ReadAsStringAsync());
            report = await erased.ReadJsonAsync();
        }

        report.GetProperty("sections").GetProperty("auth").GetProperty("deleted").GetInt32().ShouldBeGreaterThanOrEqualTo(2); // account + session
        report.GetProperty("sections").GetProperty("storage").GetProperty("anonymised").GetInt32().ShouldBe(1);
        report.GetProperty("sections").GetProperty("audit").GetProperty("anonymised").GetInt32().ShouldBeGreaterThanOrEqualTo(2);

        // Her token is dead, her password no longer signs in, her export is empty, the chain verifies.
        using (var dead = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Get, "/api/v1/auth/me", ada)))
        {
            dead.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        using (var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "ada@example.com", password = LlmTestHost.Password }))
        {
            login.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        await factory.Services.GetRequiredService<DurableAuditEventWriter>().FlushAsync();
        var after = await GetJsonAsync(client, $"/api/v1/gdpr/export/{adaId}", admin);
        after.GetProperty("sections").EnumerateObject().ShouldBeEmpty();

        // The export wrote gdpr.exported; let it land first (a verify racing an append on PostgreSQL can report the head as ahead).
        await factory.Services.GetRequiredService<DurableAuditEventWriter>().FlushAsync();
        var verify = await GetJsonAsync(client, "/api/v1/audit/verify", admin);
        verify.GetProperty("valid").GetBoolean().ShouldBeTrue(verify.ToString());
        var events = await GetJsonAsync(client, "/api/v1/audit/events?action=auth.login&limit=500", admin);
        events.GetProperty("items").EnumerateArray().ShouldContain(e => e.GetProperty("personalDataErased").GetBoolean());
        events.GetRawText().ShouldNotContain("ada@example.com");

        // Repeating the erasure is harmless.
        using var again = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, $"/api/v1/gdpr/erase/{adaId}", admin));
        again.StatusCode.ShouldBe(HttpStatusCode.OK, await again.Content.ReadAsStringAsync());
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string url, string token)
    {
        using var response = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Get, url, token));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }
}

public sealed class GdprWiringOnSqliteTests : GdprWiringTests
{
    [Fact]
    public Task A_user_is_exported_and_erased_across_every_package_on_sqlite() => RunAsync(Settings());
}

public sealed class GdprWiringOnPostgresTests(AuditHostPostgresDatabase database) : GdprWiringTests, IClassFixture<AuditHostPostgresDatabase>
{
    [Fact]
    public Task A_user_is_exported_and_erased_across_every_package_on_postgres() => RunAsync(database.Use(Settings()));
}
