using System.Net;
using System.Net.Http.Json;
using Foundation.Auditing;
using Foundation.Hosting.Tests.Infrastructure;

namespace Foundation.Hosting.Tests.Auth;

/// <summary>
/// Account e-mail end to end over the sample host: every message goes through the MailKit SMTP sender to a real SMTP server
/// (npm smtp-server, a child process of the test) and the tests read the token out of the message it received. Run on
/// SQLite (<see cref="AccountEmailOnSqliteTests"/>) and PostgreSQL (<see cref="AccountEmailOnPostgresTests"/>).
/// </summary>
public abstract partial class AccountEmailFlowTests : SmtpHostTests
{
    private const string Password = "correct horse battery staple";
    private const string NewPassword = "a brand new passphrase 42";

    private protected AccountEmailFlowTests(string? postgresDatabase)
        : base(postgresDatabase)
    {
    }

    protected override IReadOnlyDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["Foundation:Auth:AccountEmail:ServiceName"] = "Example",
    };

    [Fact]
    public async Task Forgot_then_reset_with_the_mailed_token_ends_every_other_session_and_the_token_works_once()
    {
        using var client = Factory.CreateClient();
        await Host.RegisterAsync(client, "ada@example.com", Password);
        var laptop = await Host.LoginAsync(client, "ada@example.com", Password);
        var phone = await Host.LoginAsync(client, "ada@example.com", Password);

        using var forgot = await client.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = "ADA@example.com" });
        forgot.StatusCode.ShouldBe(HttpStatusCode.Accepted, await forgot.Content.ReadAsStringAsync());
        forgot.Headers.CacheControl!.NoStore.ShouldBeTrue();

        var mail = Smtp.Received().Single(m => m.Category == "password-reset");
        mail.EnvelopeTo.ShouldBe(["ada@example.com"]);
        mail.Subject.ShouldBe("Reset your Example password");
        var token = TokenIn(mail, "https://app.example.com/reset-password?token=");

        using var reset = await client.PostAsJsonAsync("/api/v1/auth/password/reset", new { token, newPassword = NewPassword });
        reset.StatusCode.ShouldBe(HttpStatusCode.NoContent, await reset.Content.ReadAsStringAsync());

        foreach (var session in new[] { laptop, phone })
        {
            using var refresh = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = session.Text("refreshToken") });
            refresh.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "every session ended with the reset");
            using var me = await client.SendAsync(Host.Authorized(HttpMethod.Get, "/api/v1/auth/me", session.Text("accessToken")));
            me.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "the access tokens died with the security stamp");
        }

        using var oldPassword = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "ada@example.com", password = Password });
        oldPassword.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await Host.LoginAsync(client, "ada@example.com", NewPassword);

        using var again = await client.PostAsJsonAsync("/api/v1/auth/password/reset", new { token, newPassword = "yet another passphrase 7" });
        (await again.ShouldBeProblemAsync(400)).Text("field").ShouldBe("token");
        await Host.LoginAsync(client, "ada@example.com", NewPassword);

        Host.Audit.Events.ShouldContain(e => e.Action == "auth.password.reset" && e.Outcome == AuditOutcome.Success);
        Host.Audit.Events.ShouldContain(e => e.Action == "auth.password.reset_requested" && e.Outcome == AuditOutcome.Success);
    }

    [Fact]
    public async Task An_account_made_by_an_invitation_resets_its_password_without_naming_its_organisation()
    {
        using var client = Factory.CreateClient();
        await Host.RegisterAsync(client, "ada@example.com", Password);
        var ada = (await Host.LoginAsync(client, "ada@example.com", Password)).Text("accessToken");
        using var created = await client.SendAsync(Host.Authorized(HttpMethod.Post, "/api/v1/organizations", ada, new { name = "Acme" }));
        var acme = (await created.ReadJsonAsync()).Text("id");
        using var switched = await client.SendAsync(Host.Authorized(HttpMethod.Post, "/api/v1/auth/switch-organization", ada, new { organizationId = acme }));
        var adaInAcme = (await switched.ReadJsonAsync()).Text("accessToken");
        using var invited = await client.SendAsync(Host.Authorized(HttpMethod.Post, $"/api/v1/organizations/{acme}/invitations", adaInAcme, new { email = "dan@example.com" }));
        invited.StatusCode.ShouldBe(HttpStatusCode.Created, await invited.Content.ReadAsStringAsync());
        var invitation = Smtp.Received().Single(m => m.Category == "invitation");
        var invitationToken = System.Text.RegularExpressions.Regex.Match(invitation.Text!, "token[ =]([A-Za-z0-9_-]{43})").Groups[1].Value;
        using var accepted = await client.PostAsJsonAsync("/api/v1/invitations/accept", new { token = invitationToken, password = Password });
        accepted.StatusCode.ShouldBe(HttpStatusCode.Created, await accepted.Content.ReadAsStringAsync());
        var tenant = (await accepted.ReadJsonAsync()).Text("tenantId");

        // The sample's form names no organisation: the answer is the one any address gets, and Dan's account (in Acme's tenant) gets the link.
        using var forgot = await client.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = "Dan@example.com" });
        using var unknown = await client.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = "nobody@example.com" });
        forgot.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await forgot.Content.ReadAsStringAsync()).ShouldBe(await unknown.Content.ReadAsStringAsync());
        var mail = Smtp.Received().Single(m => m.Category == "password-reset");
        mail.EnvelopeTo.ShouldBe(["dan@example.com"]);
        using var reset = await client.PostAsJsonAsync("/api/v1/auth/password/reset", new { token = TokenIn(mail, "https://app.example.com/reset-password?token="), newPassword = NewPassword });
        reset.StatusCode.ShouldBe(HttpStatusCode.NoContent, await reset.Content.ReadAsStringAsync());
        (await Host.LoginAsync(client, "dan@example.com", NewPassword, tenant)).Text("accessToken").ShouldNotBeNullOrEmpty();
        await Host.LoginAsync(client, "ada@example.com", Password);
    }

    [Fact]
    public async Task An_unknown_address_gets_the_same_answer_and_no_mail()
    {
        using var client = Factory.CreateClient();
        await Host.RegisterAsync(client, "known@example.com", Password);
        var before = Smtp.Received().Count;

        using var known = await client.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = "known@example.com" });
        using var unknown = await client.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = "nobody@example.com" });

        unknown.StatusCode.ShouldBe(known.StatusCode);
        (await unknown.Content.ReadAsStringAsync()).ShouldBe(await known.Content.ReadAsStringAsync());
        Smtp.Received().Count.ShouldBe(before + 1);
        Smtp.Received().ShouldNotContain(m => m.EnvelopeTo.Contains("nobody@example.com"));
    }

    [Fact]
    public async Task An_expired_reset_token_is_refused_and_the_password_stays()
    {
        using var client = Factory.CreateClient();
        await Host.RegisterAsync(client, "late@example.com", Password);
        using var forgot = await client.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = "late@example.com" });
        var token = TokenIn(Smtp.Received().Single(m => m.Category == "password-reset"), "https://app.example.com/reset-password?token=");

        Clock.Advance(TimeSpan.FromMinutes(31));
        using var reset = await client.PostAsJsonAsync("/api/v1/auth/password/reset", new { token, newPassword = NewPassword });
        (await reset.ShouldBeProblemAsync(400)).Text("field").ShouldBe("token");
        await Host.LoginAsync(client, "late@example.com", Password);
    }

    [Theory]
    [InlineData("{\"token\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\", \"newPassword\": \"a brand new passphrase 42\"}", "token")]
    [InlineData("{\"token\": \"short\", \"newPassword\": \"a brand new passphrase 42\"}", "token")]
    [InlineData("{\"newPassword\": \"a brand new passphrase 42\"}", "token")]
    [InlineData("{\"token\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}", "newPassword")]
    public async Task A_bad_reset_request_is_a_400_naming_the_field(string json, string field)
    {
        using var client = Factory.CreateClient();
        using var response = await client.PostAsync("/api/v1/auth/password/reset", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        (await response.ShouldBeProblemAsync(400)).Text("field").ShouldBe(field);
    }

    [Fact]
    public async Task A_weak_new_password_is_refused_without_spending_the_token()
    {
        using var client = Factory.CreateClient();
        await Host.RegisterAsync(client, "weak@example.com", Password);
        using var forgot = await client.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = "weak@example.com" });
        var token = TokenIn(Smtp.Received().Single(m => m.Category == "password-reset"), "https://app.example.com/reset-password?token=");

        using var weak = await client.PostAsJsonAsync("/api/v1/auth/password/reset", new { token, newPassword = "password" });
        (await weak.ShouldBeProblemAsync(400)).Text("field").ShouldBe("newPassword");
        using var strong = await client.PostAsJsonAsync("/api/v1/auth/password/reset", new { token, newPassword = NewPassword });
        strong.StatusCode.ShouldBe(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Registration_mails_a_confirmation_and_its_token_confirms_the_address_once()
    {
        using var client = Factory.CreateClient();
        await Host.RegisterAsync(client, "new@example.com", Password);
        var mail = Smtp.Received().Single(m => m.Category == "email-confirmation");
        mail.EnvelopeTo.ShouldBe(["new@example.com"]);
        var token = TokenIn(mail, "https://app.example.com/confirm-email?token=");

        using var confirm = await client.PostAsJsonAsync("/api/v1/auth/email/confirm", new { token });
        confirm.StatusCode.ShouldBe(HttpStatusCode.OK, await confirm.Content.ReadAsStringAsync());
        (await confirm.ReadJsonAsync()).Text("email").ShouldBe("new@example.com");

        using var twice = await client.PostAsJsonAsync("/api/v1/auth/email/confirm", new { token });
        (await twice.ShouldBeProblemAsync(400)).Text("field").ShouldBe("token");
        Host.Audit.Events.ShouldContain(e => e.Action == "auth.email.confirmed" && e.Outcome == AuditOutcome.Success);
    }

    [Fact]
    public async Task A_change_of_address_takes_effect_when_the_new_address_confirms_it_and_the_old_one_is_told()
    {
        using var client = Factory.CreateClient();
        await Host.RegisterAsync(client, "old@example.com", Password);
        var tokens = await Host.LoginAsync(client, "old@example.com", Password);

        using var wrong = await client.SendAsync(Host.Authorized(HttpMethod.Post, "/api/v1/auth/email/change", tokens.Text("accessToken"),
            new { newEmail = "new-home@example.com", currentPassword = "not the password at all" }));
        wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        using var change = await client.SendAsync(Host.Authorized(HttpMethod.Post, "/api/v1/auth/email/change", tokens.Text("accessToken"),
            new { newEmail = "new-home@example.com", currentPassword = Password }));
        change.StatusCode.ShouldBe(HttpStatusCode.Accepted, await change.Content.ReadAsStringAsync());

        using var stillOld = await client.SendAsync(Host.Authorized(HttpMethod.Get, "/api/v1/auth/me", tokens.Text("accessToken")));
        (await stillOld.ReadJsonAsync()).Text("email").ShouldBe("old@example.com", "nothing changes before the new address confirms");

        var mail = Smtp.Received().Single(m => m.Category == "email-change");
        mail.EnvelopeTo.ShouldBe(["new-home@example.com"]);
        using var confirm = await client.PostAsJsonAsync("/api/v1/auth/email/confirm", new { token = TokenIn(mail, "https://app.example.com/confirm-email?token=") });
        confirm.StatusCode.ShouldBe(HttpStatusCode.OK, await confirm.Content.ReadAsStringAsync());

        await Host.LoginAsync(client, "new-home@example.com", Password);
        using var oldLogin = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "old@example.com", password = Password });
        oldLogin.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        Smtp.Received().Single(m => m.Category == "email-changed").EnvelopeTo.ShouldBe(["old@example.com"]);
        Host.Audit.Events.ShouldContain(e => e.Action == "auth.email.changed" && e.Outcome == AuditOutcome.Success);
    }

    [Fact]
    public async Task A_change_to_an_address_another_account_has_is_a_409_and_a_malformed_one_a_400()
    {
        using var client = Factory.CreateClient();
        await Host.RegisterAsync(client, "one@example.com", Password);
        await Host.RegisterAsync(client, "two@example.com", Password);
        var tokens = await Host.LoginAsync(client, "one@example.com", Password);

        using var taken = await client.SendAsync(Host.Authorized(HttpMethod.Post, "/api/v1/auth/email/change", tokens.Text("accessToken"),
            new { newEmail = "TWO@example.com", currentPassword = Password }));
        await taken.ShouldBeProblemAsync(409);

        using var malformed = await client.SendAsync(Host.Authorized(HttpMethod.Post, "/api/v1/auth/email/change", tokens.Text("accessToken"),
            new { newEmail = "not-an-address", currentPassword = Password }));
        (await malformed.ShouldBeProblemAsync(400)).Text("field").ShouldBe("newEmail");
        Smtp.Received().ShouldNotContain(m => m.Category == "email-change");
    }
}

/// <summary>Account e-mail on the sample's default SQLite database.</summary>
public sealed class AccountEmailOnSqliteTests : AccountEmailFlowTests
{
    public AccountEmailOnSqliteTests()
        : base(null)
    {
    }
}

/// <summary>Account e-mail on a real PostgreSQL database.</summary>
public sealed class AccountEmailOnPostgresTests : AccountEmailFlowTests
{
    public AccountEmailOnPostgresTests()
        : base("fnd_hosting_mail")
    {
    }
}
