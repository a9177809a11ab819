using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Foundation.Hosting.Tests.Infrastructure;

namespace Foundation.Hosting.Tests.Sample;

/// <summary>
/// The sample's organisations as a user meets them in Development with no SMTP server: the home page's organisations panel
/// and its script, an invitation sent from it listed at /dev/mail with its link clickable, the link opening the sample's
/// accept page, and the invitee accepting with a password and signing in to the organisation the page names.
/// </summary>
[Trait("Category", TestCategories.Integration)]
public sealed partial class InvitationPagesTests
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task An_invitation_is_listed_at_dev_mail_its_link_opens_the_accept_page_and_the_invitee_signs_in_to_the_organisation()
    {
        using var factory = new SampleAppFactory(new Dictionary<string, string?>
        {
            ["Foundation:Auth:Passwords:Pbkdf2Iterations"] = "100000",
            ["Foundation:Auth:AccountEmail:PublicBaseUrl"] = "http://localhost",
            ["Foundation:Auth:Organizations:InvitationAcceptUrl"] = "http://localhost/invitations/accept",
        }, environment: "Development");
        using var client = factory.CreateClient();

        // The home page carries the organisations panel and the optional organisation field of the sign-in form.
        var home = await client.GetStringAsync("/");
        home.ShouldContain("<section id=\"orgs\"");
        home.ShouldContain("<script src=\"/orgs.js\" defer></script>");
        home.ShouldContain("id=\"chat-tenant\"");
        var script = await client.GetStringAsync("/orgs.js");
        script.ShouldContain("/api/v1/auth/switch-organization");
        script.ShouldContain("/invitations");

        // Ada registers, creates Acme, switches into it and invites Dan, as the panel does.
        (await client.PostAsJsonAsync("/api/v1/auth/register", new { email = "ada@example.com", password = Password })).StatusCode.ShouldBe(HttpStatusCode.Created);
        var ada = await LoginAsync(client, new { email = "ada@example.com", password = Password });
        using var created = await SendAsync(client, HttpMethod.Post, "/api/v1/organizations", ada, new { name = "Acme", slug = "acme" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var acme = (await created.ReadJsonAsync()).Text("id");
        using var switched = await SendAsync(client, HttpMethod.Post, "/api/v1/auth/switch-organization", ada, new { organizationId = acme });
        switched.StatusCode.ShouldBe(HttpStatusCode.OK, await switched.Content.ReadAsStringAsync());
        var inAcme = (await switched.ReadJsonAsync()).Text("accessToken");
        using var invited = await SendAsync(client, HttpMethod.Post, $"/api/v1/organizations/{acme}/invitations", inAcme, new { email = "dan@example.com", role = "member" });
        invited.StatusCode.ShouldBe(HttpStatusCode.Created, await invited.Content.ReadAsStringAsync());

        // /dev/mail lists it; its page shows the link, clickable, to the sample's accept page.
        var list = await client.GetStringAsync("/dev/mail");
        var id = MessageLink().Matches(list).Select(m => m.Groups[1].Value)
            .Single(i => list.Contains($"/dev/mail/{i}\">You are invited to join Acme", StringComparison.Ordinal));
        var message = await client.GetStringAsync($"/dev/mail/{id}");
        var link = AcceptLink().Match(message);
        link.Success.ShouldBeTrue(message);

        using var page = await client.GetAsync(new Uri(link.Groups[1].Value).PathAndQuery);
        page.StatusCode.ShouldBe(HttpStatusCode.OK, "the link opens the sample's accept page");
        (await page.Content.ReadAsStringAsync()).ShouldContain("<script src=\"/invitation.js\" defer></script>");
        var acceptScript = await client.GetStringAsync("/invitation.js");
        acceptScript.ShouldContain("/api/v1/invitations/accept");
        acceptScript.ShouldContain("tenant: joined.tenantId");

        // What the page does: accept with a password, then sign in with the organisation's tenant from the answer.
        using var accepted = await client.PostAsJsonAsync("/api/v1/invitations/accept", new { token = link.Groups[2].Value, password = Password });
        accepted.StatusCode.ShouldBe(HttpStatusCode.Created, await accepted.Content.ReadAsStringAsync());
        var joined = await accepted.ReadJsonAsync();
        joined.Text("tenantId").ShouldBe(acme);
        var dan = await LoginAsync(client, new { email = joined.Text("email"), password = Password, tenant = joined.Text("tenantId") });
        using var mine = await SendAsync(client, HttpMethod.Get, "/api/v1/organizations", dan);
        var organizations = (await mine.ReadJsonAsync()).EnumerateArray().ToList();
        organizations.Select(o => (o.Text("id"), o.Text("name"), o.Text("role"), o.GetProperty("isActive").GetBoolean()))
            .ShouldBe([(acme, "Acme", "member", true)]);

        // Without the organisation the sign-in answers exactly like a wrong password: no hint that the account exists elsewhere.
        using var noTenant = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "dan@example.com", password = Password });
        using var wrong = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "nobody@example.com", password = Password });
        noTenant.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await noTenant.ReadJsonAsync()).Text("detail").ShouldBe((await wrong.ReadJsonAsync()).Text("detail"));
    }

    private static async Task<string> LoginAsync(HttpClient client, object body)
    {
        using var login = await client.PostAsJsonAsync("/api/v1/auth/login", body);
        login.StatusCode.ShouldBe(HttpStatusCode.OK, await login.Content.ReadAsStringAsync());
        return (await login.ReadJsonAsync()).Text("accessToken");
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string accessToken, object? body = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client.SendAsync(request);
    }

    [GeneratedRegex("/dev/mail/([0-9a-f]{32})\"")]
    private static partial Regex MessageLink();

    [GeneratedRegex("href=\"(http://localhost/invitations/accept\\?token=([A-Za-z0-9_-]{43}))\"")]
    private static partial Regex AcceptLink();
}
