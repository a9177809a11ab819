using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Foundation.Hosting.Tests.Infrastructure;

namespace Foundation.Hosting.Tests.Sample;

/// <summary>
/// The sample with no SMTP server: account mail goes to the development sink in {DataDirectory}/mail and, in Development,
/// /dev/mail lists it, so a reset can be followed in the browser. Outside Development the page does not exist.
/// </summary>
[Trait("Category", TestCategories.Integration)]
public sealed partial class DevelopmentMailboxPageTests
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task In_Development_a_reset_can_be_followed_from_the_mailbox_page_to_a_new_password()
    {
        using var factory = new SampleAppFactory(new Dictionary<string, string?>
        {
            ["Foundation:Auth:Passwords:Pbkdf2Iterations"] = "100000",
            ["Foundation:Auth:AccountEmail:PublicBaseUrl"] = "http://localhost",
        }, environment: "Development");
        using var client = factory.CreateClient();

        using var register = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = "dev@example.com", password = Password });
        register.StatusCode.ShouldBe(HttpStatusCode.Created);
        using var forgot = await client.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = "dev@example.com" });
        forgot.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        Directory.GetFiles(Path.Combine(factory.DataDirectory, "mail"), "*.eml").Length.ShouldBe(2, "the confirmation and the reset, as .eml files in {DataDirectory}/mail");

        var list = await client.GetStringAsync("/dev/mail");
        list.ShouldContain("Confirm your e-mail address for Foundation");
        var reset = MessageLink().Matches(list).Select(m => m.Groups[1].Value)
            .Single(id => list.Contains($"/dev/mail/{id}\">Reset your Foundation password", StringComparison.Ordinal));

        var message = await client.GetStringAsync($"/dev/mail/{reset}");
        var link = ResetLink().Match(message);
        link.Success.ShouldBeTrue(message);

        using var page = await client.GetAsync(new Uri(link.Groups[1].Value).PathAndQuery);
        page.StatusCode.ShouldBe(HttpStatusCode.OK, "the link opens the sample's reset page");
        (await page.Content.ReadAsStringAsync()).ShouldContain("<script src=\"/account.js\" defer></script>");

        using var done = await client.PostAsJsonAsync("/api/v1/auth/password/reset", new { token = link.Groups[2].Value, newPassword = "a brand new passphrase 42" });
        done.StatusCode.ShouldBe(HttpStatusCode.NoContent, await done.Content.ReadAsStringAsync());
        using var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "dev@example.com", password = "a brand new passphrase 42" });
        login.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Outside_Development_there_is_no_mailbox_page()
    {
        using var factory = new SampleAppFactory();
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/dev/mail");
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [GeneratedRegex("/dev/mail/([0-9a-f]{32})\"")]
    private static partial Regex MessageLink();

    [GeneratedRegex("href=\"(http://localhost/reset-password\\?token=([A-Za-z0-9_-]{43}))\"")]
    private static partial Regex ResetLink();
}
