using Foundation.Email.Smtp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Foundation.Email.Tests;

/// <summary>The MailKit SMTP sender against a real SMTP server (npm smtp-server, started per test class).</summary>
public sealed class SmtpEmailSenderTests : IAsyncLifetime
{
    private SmtpTestServer _server = null!;

    public async Task InitializeAsync() => _server = await SmtpTestServer.StartAsync(credentials: "mailer:s3cret-pass");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_message_arrives_with_its_headers_bodies_and_a_UTF8_subject()
    {
        await using var services = Services(_server.Port, "mailer", "s3cret-pass");
        var sender = services.GetRequiredService<IEmailSender>();
        sender.ShouldBeOfType<SmtpEmailSender>();

        await sender.SendAsync(new EmailMessage(
            "Zoë Müller <zoe@example.com>",
            "Réinitialisez votre mot de passe — 密码",
            "Line one\nGrüße: ✓",
            "<p>Grüße: <b>✓</b></p>",
            "password-reset"));

        var mail = _server.Received().ShouldHaveSingleItem();
        mail.EnvelopeTo.ShouldBe(["zoe@example.com"]);
        mail.EnvelopeFrom.ShouldBe("no-reply@example.com");
        mail.User.ShouldBe("mailer", "the sender authenticated with the configured credentials");
        mail.From.ShouldBe("\"Example App\" <no-reply@example.com>");
        mail.To.ShouldBe("\"Zoë Müller\" <zoe@example.com>");
        mail.Subject.ShouldBe("Réinitialisez votre mot de passe — 密码");
        mail.Category.ShouldBe("password-reset");
        mail.Text!.TrimEnd().ShouldBe("Line one\nGrüße: ✓");
        mail.Html!.ShouldContain("<p>Grüße: <b>✓</b></p>");
        mail.MessageId!.ShouldEndWith("@example.com>");
        mail.Raw.ShouldContain("Subject: =?utf-8?", Case.Insensitive, "a non-ASCII subject is RFC 2047 encoded on the wire");
        mail.Raw.ShouldContain("Date: Tue, 01 Dec 2026 09:30:00 +0000");
    }

    [Fact]
    public async Task Wrong_credentials_are_an_EmailDeliveryException_naming_the_server()
    {
        await using var services = Services(_server.Port, "mailer", "wrong-password");
        var ex = await Should.ThrowAsync<EmailDeliveryException>(() =>
            services.GetRequiredService<IEmailSender>().SendAsync(new EmailMessage("a@example.com", "Hi", "Body")));
        ex.Message.ShouldContain($"127.0.0.1:{_server.Port}");
        _server.Received().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_server_that_is_down_is_an_EmailDeliveryException()
    {
        var port = SmtpTestServer.FreePort();
        await using var services = Services(port, null, null);
        var ex = await Should.ThrowAsync<EmailDeliveryException>(() =>
            services.GetRequiredService<IEmailSender>().SendAsync(new EmailMessage("a@example.com", "Hi", "Body")));
        ex.Message.ShouldContain($"127.0.0.1:{port}");
        ex.Message.ShouldContain("ConnectionRefused");
    }

    [Fact]
    public async Task Requiring_STARTTLS_from_a_server_without_it_is_refused_before_anything_is_sent()
    {
        await using var services = Services(_server.Port, null, null, SmtpSecurity.StartTls);
        var ex = await Should.ThrowAsync<EmailDeliveryException>(() =>
            services.GetRequiredService<IEmailSender>().SendAsync(new EmailMessage("a@example.com", "Hi", "Body")));
        ex.Message.ShouldContain("STARTTLS");
        _server.Received().ShouldBeEmpty();
    }

    [Theory]
    [InlineData("not an address", "Hi")]
    [InlineData("a@example.com", "Hi\r\nBcc: victim@example.com")]
    public async Task A_malformed_recipient_or_a_subject_with_a_line_break_is_refused(string to, string subject)
    {
        await using var services = Services(_server.Port, "mailer", "s3cret-pass");
        await Should.ThrowAsync<ArgumentException>(() =>
            services.GetRequiredService<IEmailSender>().SendAsync(new EmailMessage(to, subject, "Body")));
        _server.Received().ShouldBeEmpty();
    }

    internal static ServiceProvider Services(int port, string? user, string? password, SmtpSecurity security = SmtpSecurity.None)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Foundation:Email:From"] = "Example App <no-reply@example.com>",
            ["Foundation:Email:Smtp:Host"] = "127.0.0.1",
            ["Foundation:Email:Smtp:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Foundation:Email:Smtp:Security"] = security.ToString(),
            ["Foundation:Email:Smtp:UserName"] = user,
            ["Foundation:Email:Smtp:Password"] = password,
            ["Foundation:Email:Smtp:Timeout"] = "00:00:20",
        };
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero)));
        services.AddFoundationEmail(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _ = provider.GetRequiredService<IOptions<EmailOptions>>().Value;
        return provider;
    }
}

/// <summary>A server that accepts the connection and never answers: the timeout ends the delivery.</summary>
public sealed class SmtpTimeoutTests
{
    [Fact]
    public async Task A_server_that_never_answers_is_an_EmailDeliveryException_after_the_timeout()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var accept = listener.AcceptTcpClientAsync();

        var settings = new Dictionary<string, string?>
        {
            ["Foundation:Email:Smtp:Host"] = "127.0.0.1",
            ["Foundation:Email:Smtp:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Foundation:Email:Smtp:Security"] = "None",
            ["Foundation:Email:Smtp:Timeout"] = "00:00:01",
        };
        var services = new ServiceCollection();
        services.AddFoundationEmail(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        await using var provider = services.BuildServiceProvider();

        var ex = await Should.ThrowAsync<EmailDeliveryException>(() =>
            provider.GetRequiredService<IEmailSender>().SendAsync(new EmailMessage("a@example.com", "Hi", "Body")));
        ex.Message.ShouldContain($"127.0.0.1:{port}");
        (await accept).Dispose();
    }
}
