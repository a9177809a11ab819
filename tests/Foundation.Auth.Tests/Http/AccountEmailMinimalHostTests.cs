using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Foundation.Auth.AccountMail;
using Foundation.Auth.Tests.Tokens;
using Foundation.Email;
using Foundation.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Foundation.Auth.Tests.Http;

/// <summary>
/// Account e-mail in a host with Foundation.Auth only (no Foundation.Hosting, no Foundation.Email): the host's own
/// <see cref="IEmailSender"/> and <see cref="IAccountEmailTemplates"/> are used; without a sender the mail endpoints answer 503.
/// </summary>
public sealed partial class AccountEmailMinimalHostTests : IAsyncDisposable
{
    private const string Password = "correct horse battery staple";
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"foundation-auth-mail-{Guid.NewGuid():N}.db");
    private WebApplication? _app;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }

    [Fact]
    public async Task With_RequireConfirmedEmail_a_login_is_refused_until_the_mailed_link_is_used()
    {
        var outbox = new Outbox();
        using var client = await StartAsync(new Dictionary<string, string?> { ["Foundation:Auth:RequireConfirmedEmail"] = "true" }, outbox);

        using var register = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = "ada@example.com", password = Password });
        register.StatusCode.ShouldBe(HttpStatusCode.Created);
        var confirmation = outbox.Messages.ShouldHaveSingleItem();
        confirmation.Category.ShouldBe("email-confirmation");
        confirmation.Subject.ShouldBe("Custom: email-confirmation", "the host's templates replace the default ones");

        using var refused = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "ada@example.com", password = Password });
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().ShouldBe("E-mail address not confirmed");

        using var wrongPassword = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "ada@example.com", password = "not the password at all" });
        wrongPassword.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "a wrong password never learns whether the address is confirmed");

        using var resend = await client.PostAsJsonAsync("/api/v1/auth/email/confirm/resend", new { email = "ada@example.com" });
        resend.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        outbox.Messages.Count.ShouldBe(2);

        using var confirm = await client.PostAsJsonAsync("/api/v1/auth/email/confirm", new { token = Token(outbox.Messages[1]) });
        confirm.StatusCode.ShouldBe(HttpStatusCode.OK, await confirm.Content.ReadAsStringAsync());

        using var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "ada@example.com", password = Password });
        login.StatusCode.ShouldBe(HttpStatusCode.OK, await login.Content.ReadAsStringAsync());

        using var first = await client.PostAsJsonAsync("/api/v1/auth/email/confirm", new { token = Token(outbox.Messages[0]) });
        first.StatusCode.ShouldBe(HttpStatusCode.BadRequest, "the first link was superseded when the address was confirmed");
    }

    [Fact]
    public async Task Without_an_email_sender_the_mail_endpoints_answer_503_and_registration_still_works()
    {
        using var client = await StartAsync([], outbox: null);
        using var register = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = "bob@example.com", password = Password });
        register.StatusCode.ShouldBe(HttpStatusCode.Created);

        foreach (var email in new[] { "bob@example.com", "nobody@example.com" })
        {
            using var forgot = await client.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email });
            forgot.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, "the same for every address");
            (await forgot.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain("No e-mail sender is registered");
        }
    }

    [Fact]
    public async Task A_sender_that_fails_does_not_change_the_answer_of_forgot()
    {
        var outbox = new Outbox { Fail = true };
        using var client = await StartAsync([], outbox);
        using var register = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = "cy@example.com", password = Password });
        register.StatusCode.ShouldBe(HttpStatusCode.Created, "a confirmation that cannot be sent does not undo the registration");

        using var known = await client.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = "cy@example.com" });
        using var unknown = await client.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = "nobody@example.com" });
        known.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await known.Content.ReadAsStringAsync()).ShouldBe(await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Forgot_sends_at_most_MaxMessagesPerLifetime_resets_to_one_account()
    {
        var outbox = new Outbox();
        using var client = await StartAsync(new Dictionary<string, string?> { ["Foundation:Auth:AccountEmail:MaxMessagesPerLifetime"] = "2" }, outbox);
        using var register = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = "dee@example.com", password = Password });
        for (var i = 0; i < 4; i++)
        {
            using var forgot = await client.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = "dee@example.com" });
            forgot.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        outbox.Messages.Count(m => m.Category == "password-reset").ShouldBe(2);
    }

    private async Task<HttpClient> StartAsync(Dictionary<string, string?> settings, Outbox? outbox)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(TestClock.CreateForTokens());
        builder.Services.AddSingleton<ISecretProtector, TestSecretProtector>();
        if (outbox is not null)
        {
            builder.Services.AddSingleton<IEmailSender>(outbox);
            builder.Services.AddSingleton<IAccountEmailTemplates, PrefixedTemplates>();
        }

        builder.Services.AddProblemDetails();
        settings["Foundation:Auth:Passwords:Pbkdf2Iterations"] = "100000";
        settings["Foundation:Auth:AccountEmail:PublicBaseUrl"] = "https://app.example.com";
        builder.Services.AddFoundationAuth(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .UseSqlite($"Data Source={_path};Pooling=False", migrateOnStartup: true);
        builder.Services.AddAuthorization();
        _app = builder.Build();
        _app.UseAuthentication();
        _app.UseAuthorization();
        _app.MapFoundationAuthApi();
        await _app.StartAsync();
        return _app.GetTestClient();
    }

    private static string Token(EmailMessage message) => TokenPattern().Match(message.TextBody).Groups[1].Value;

    [GeneratedRegex("token=([A-Za-z0-9_-]{43})")]
    private static partial Regex TokenPattern();

    /// <summary>The host's own sender: keeps what it is given (or refuses, like a mail server that is down).</summary>
    private sealed class Outbox : IEmailSender
    {
        private readonly List<EmailMessage> _messages = [];

        public bool Fail { get; init; }

        public IReadOnlyList<EmailMessage> Messages
        {
            get
            {
                lock (_messages)
                {
                    return [.. _messages];
                }
            }
        }

        public Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
        {
            if (Fail)
            {
                throw new EmailDeliveryException("The mail server is down.");
            }

            lock (_messages)
            {
                _messages.Add(message);
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>A host's templates: its own subject, the default body with the link.</summary>
    private sealed class PrefixedTemplates : IAccountEmailTemplates
    {
        private readonly DefaultAccountEmailTemplates _default = new();

        public EmailMessage PasswordReset(AccountEmailContext context) => Prefix(_default.PasswordReset(context));

        public EmailMessage EmailConfirmation(AccountEmailContext context) => Prefix(_default.EmailConfirmation(context));

        public EmailMessage EmailChange(AccountEmailContext context) => Prefix(_default.EmailChange(context));

        public EmailMessage EmailChanged(AccountEmailContext context) => Prefix(_default.EmailChanged(context));

        private static EmailMessage Prefix(EmailMessage message) => message with { Subject = "Custom: " + message.Category };
    }
}
