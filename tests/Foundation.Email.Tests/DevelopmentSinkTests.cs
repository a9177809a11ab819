using Foundation.Email.Development;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Foundation.Email.Tests;

/// <summary>The development sink writes real .eml files and an index; the mailbox lists and reads them back.</summary>
public sealed class DevelopmentSinkTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "foundation-mail-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Without_an_SMTP_host_messages_are_written_as_eml_files_and_listed_newest_first()
    {
        await using var services = Services();
        var sender = services.GetRequiredService<IEmailSender>();
        sender.ShouldBeOfType<DevelopmentEmailSink>();

        await sender.SendAsync(new EmailMessage("ada@example.com", "Confirm your address", "Open https://app.example.com/confirm?token=abc", "<p>Confirm</p>", "email-confirmation"));
        _time.Advance(TimeSpan.FromMinutes(1));
        await sender.SendAsync(new EmailMessage("bob@example.com", "Réinitialiser ✓", "Reset: token xyz", Category: "password-reset"));

        var mailbox = services.GetRequiredService<DevelopmentMailbox>();
        var list = await mailbox.ListAsync();
        list.Select(m => m.To).ShouldBe(["bob@example.com", "ada@example.com"]);
        list[0].Subject.ShouldBe("Réinitialiser ✓");
        list[0].Category.ShouldBe("password-reset");
        list[1].CreatedAt.ShouldBe(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

        var emlFiles = Directory.GetFiles(_directory, "*.eml");
        emlFiles.Length.ShouldBe(2);
        var parsed = await MimeMessage.LoadAsync(Path.Combine(_directory, list[1].Id + ".eml"));
        parsed.To.Mailboxes.Single().Address.ShouldBe("ada@example.com");
        parsed.HtmlBody!.ShouldContain("<p>Confirm</p>");

        var read = (await mailbox.ReadAsync(list[0].Id)).ShouldNotBeNull();
        read.TextBody.TrimEnd().ShouldBe("Reset: token xyz");
        read.Summary.Subject.ShouldBe("Réinitialiser ✓");
        read.From.ShouldContain("no-reply@localhost");

        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(_directory).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("0123456789abcdef0123456789ABCDEF")]
    [InlineData("")]
    [InlineData("0123456789abcdef0123456789abcdef")]
    public async Task Reading_an_id_that_is_malformed_or_unknown_finds_nothing(string id)
    {
        await using var services = Services();
        (await services.GetRequiredService<DevelopmentMailbox>().ReadAsync(id)).ShouldBeNull();
    }

    [Fact]
    public async Task Beyond_MaxMessages_the_oldest_are_deleted_with_their_index_lines()
    {
        await using var services = Services(("Foundation:Email:DevelopmentSink:MaxMessages", "2"));
        var sender = services.GetRequiredService<IEmailSender>();
        for (var i = 0; i < 4; i++)
        {
            await sender.SendAsync(new EmailMessage($"user{i}@example.com", $"Message {i}", "Body"));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var list = await services.GetRequiredService<DevelopmentMailbox>().ListAsync();
        list.Select(m => m.Subject).ShouldBe(["Message 3", "Message 2"]);
        Directory.GetFiles(_directory, "*.eml").Length.ShouldBe(2);
    }

    [Fact]
    public async Task A_torn_index_line_is_skipped_and_the_rest_stays_readable()
    {
        await using var services = Services();
        await services.GetRequiredService<IEmailSender>().SendAsync(new EmailMessage("a@example.com", "One", "Body"));
        await File.AppendAllTextAsync(Path.Combine(_directory, DevelopmentMailbox.IndexFileName), "{\"id\":\"abc");
        (await services.GetRequiredService<DevelopmentMailbox>().ListAsync()).Select(m => m.Subject).ShouldBe(["One"]);
    }

    private ServiceProvider Services(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?> { ["Foundation:Email:DevelopmentSink:Directory"] = _directory };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddFoundationEmail(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services.BuildServiceProvider();
    }
}
