using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Foundation.Hosting.Tests.Infrastructure;

namespace Foundation.Hosting.Tests.Auth;

/// <summary>
/// Issue 15's "done when" for invitations, end to end over the sample host: the invitation goes through the MailKit SMTP
/// sender to a real SMTP server (npm smtp-server, a child process of the test), the link is parsed out of the message that
/// server received (decoded by npm mailparser) and accepted, and the new member, signed in to the organisation, sees that
/// organisation's members, teams, budgets and files and nothing of another organisation (404 for its ids). Run on SQLite
/// (<see cref="InvitationOverSmtpOnSqliteTests"/>) and PostgreSQL (<see cref="InvitationOverSmtpOnPostgresTests"/>).
/// </summary>
public abstract class InvitationOverSmtpTests : SmtpHostTests
{
    private const string Password = "correct horse battery staple";
    private const string AcceptUrl = "https://app.example.com/invitations/accept";

    private protected InvitationOverSmtpTests(string? postgresDatabase)
        : base(postgresDatabase)
    {
    }

    protected override IReadOnlyDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["Foundation:Auth:Organizations:InvitationAcceptUrl"] = AcceptUrl,
    };

    [Fact]
    public async Task The_invitation_received_by_the_SMTP_server_is_accepted_from_its_link_and_the_new_member_sees_only_that_organisation()
    {
        using var client = Factory.CreateClient();

        // Ada, owner of the default organisation, keeps a budget and a file there, and owns a second organisation, Beta.
        await Host.RegisterAsync(client, "ada@example.com", Password);
        var ada = (await Host.LoginAsync(client, "ada@example.com", Password)).Text("accessToken");
        await CreateBudgetAsync(client, ada, "default-budget");
        var defaultFile = await UploadAsync(client, ada, "default.pdf");
        var beta = await CreateOrganizationAsync(client, ada, "Beta");

        // ...and Acme, where she works: a team, a budget and a file, then the invitation of Dan as an admin of Acme's team.
        var acme = await CreateOrganizationAsync(client, ada, "Acme");
        using (var switched = await SendAsync(client, HttpMethod.Post, "/api/v1/auth/switch-organization", ada, new { organizationId = acme }))
        {
            switched.StatusCode.ShouldBe(HttpStatusCode.OK, await switched.Content.ReadAsStringAsync());
            ada = (await switched.ReadJsonAsync()).Text("accessToken");
        }

        string teamId;
        using (var team = await SendAsync(client, HttpMethod.Post, $"/api/v1/organizations/{acme}/teams", ada, new { name = "Research" }))
        {
            team.StatusCode.ShouldBe(HttpStatusCode.Created, await team.Content.ReadAsStringAsync());
            teamId = (await team.ReadJsonAsync()).Text("id");
        }

        await CreateBudgetAsync(client, ada, "acme-budget");
        var acmeFile = await UploadAsync(client, ada, "acme.pdf");
        using (var invited = await SendAsync(client, HttpMethod.Post, $"/api/v1/organizations/{acme}/invitations", ada, new { email = "dan@example.com", role = "admin", teamIds = new[] { teamId } }))
        {
            invited.StatusCode.ShouldBe(HttpStatusCode.Created, await invited.Content.ReadAsStringAsync());
        }

        // The SMTP server received it; the link is read out of the message as the invitee's mail client shows it.
        var mail = Smtp.Received().Single(m => m.Category == "invitation");
        mail.EnvelopeTo.ShouldBe(["dan@example.com"]);
        mail.Subject.ShouldBe("You are invited to join Acme");
        mail.Text.ShouldNotBeNull();
        var link = Regex.Match(mail.Text, Regex.Escape(AcceptUrl) + @"\?token=[A-Za-z0-9_-]{43}");
        link.Success.ShouldBeTrue(mail.Text);
        var token = System.Web.HttpUtility.ParseQueryString(new Uri(link.Value).Query)["token"];

        using var accepted = await client.PostAsJsonAsync("/api/v1/invitations/accept", new { token, password = Password });
        accepted.StatusCode.ShouldBe(HttpStatusCode.Created, await accepted.Content.ReadAsStringAsync());
        var joined = await accepted.ReadJsonAsync();
        joined.Text("organizationId").ShouldBe(acme);
        joined.Text("role").ShouldBe("admin");
        using (var twice = await client.PostAsJsonAsync("/api/v1/invitations/accept", new { token, password = Password }))
        {
            (await twice.ShouldBeProblemAsync(409)).Text("code").ShouldBe("invitation_already_accepted");
        }

        // Dan signs in to Acme (the tenant the answer names) and sees Acme's data only.
        var dan = (await Host.LoginAsync(client, "dan@example.com", Password, joined.Text("tenantId"))).Text("accessToken");
        (await ListAsync(client, dan, "/api/v1/organizations")).Select(o => o.Text("id")).ShouldBe([acme]);
        (await ListAsync(client, dan, $"/api/v1/organizations/{acme}/members")).Select(m => m.Text("email")).Order(StringComparer.Ordinal)
            .ShouldBe(["ada@example.com", "dan@example.com"]);
        (await ListAsync(client, dan, $"/api/v1/organizations/{acme}/teams")).Select(t => t.Text("name")).ShouldBe(["Research"]);
        (await ListAsync(client, dan, $"/api/v1/organizations/{acme}/teams/{teamId}/members")).Select(m => m.Text("email")).ShouldBe(["dan@example.com"]);
        (await ListAsync(client, dan, "/api/v1/budgets")).Select(b => b.Text("name")).ShouldBe(["acme-budget"]);
        using (var files = await SendAsync(client, HttpMethod.Get, "/api/v1/files", dan))
        {
            files.StatusCode.ShouldBe(HttpStatusCode.OK, await files.Content.ReadAsStringAsync());
            (await files.ReadJsonAsync()).GetProperty("items").EnumerateArray().Select(f => f.Text("id")).ShouldBe([acmeFile]);
        }

        // Another organisation's ids are not found, whether Dan names it in the path or asks for its file.
        foreach (var path in new[]
                 {
                     "/api/v1/organizations/~default", "/api/v1/organizations/~default/members", $"/api/v1/organizations/{beta}",
                     $"/api/v1/organizations/{beta}/teams", $"/api/v1/organizations/{beta}/invitations", $"/api/v1/files/{defaultFile}",
                 })
        {
            using var response = await SendAsync(client, HttpMethod.Get, path, dan);
            await response.ShouldBeProblemAsync(404);
        }

        using (var other = await SendAsync(client, HttpMethod.Post, "/api/v1/auth/switch-organization", dan, new { organizationId = beta }))
        {
            (await other.ShouldBeProblemAsync(404)).Text("code").ShouldBe("organization_not_found");
        }
    }

    private async Task<string> CreateOrganizationAsync(HttpClient client, string accessToken, string name)
    {
        using var response = await SendAsync(client, HttpMethod.Post, "/api/v1/organizations", accessToken, new { name });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).Text("id");
    }

    private async Task CreateBudgetAsync(HttpClient client, string accessToken, string name)
    {
        using var response = await SendAsync(client, HttpMethod.Post, "/api/v1/budgets", accessToken, new { name, scope = "tenant", period = "month", limitUsd = 5m });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    private async Task<string> UploadAsync(HttpClient client, string accessToken, string name)
    {
        using var request = Host.Authorized(HttpMethod.Post, "/api/v1/files", accessToken);
        var part = new ByteArrayContent(Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"));
        part.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        request.Content = new MultipartFormDataContent { { part, "file", name } };
        using var response = await client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).Text("id");
    }

    private async Task<List<JsonElement>> ListAsync(HttpClient client, string accessToken, string path)
    {
        using var response = await SendAsync(client, HttpMethod.Get, path, accessToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{path}: {await response.Content.ReadAsStringAsync()}");
        return [.. (await response.ReadJsonAsync()).EnumerateArray()];
    }

    private async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string accessToken, object? body = null)
    {
        using var request = Host.Authorized(method, path, accessToken, body);
        return await client.SendAsync(request);
    }
}

/// <summary>The SMTP invitation on the sample's default SQLite database.</summary>
public sealed class InvitationOverSmtpOnSqliteTests : InvitationOverSmtpTests
{
    public InvitationOverSmtpOnSqliteTests()
        : base(null)
    {
    }
}

/// <summary>The SMTP invitation on a real PostgreSQL database.</summary>
public sealed class InvitationOverSmtpOnPostgresTests : InvitationOverSmtpTests
{
    public InvitationOverSmtpOnPostgresTests()
        : base("fnd_hosting_invite")
    {
    }
}
