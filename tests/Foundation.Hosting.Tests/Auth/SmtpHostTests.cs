using System.Globalization;
using System.Text.RegularExpressions;
using Foundation.Hosting.Tests.Infrastructure;
using Foundation.Testing;
using Foundation.Tests.Common;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Foundation.Hosting.Tests.Auth;

/// <summary>
/// The sample host sending its mail through the MailKit SMTP sender to a real SMTP server (npm smtp-server, a child process
/// of the test), on a fake clock, on the default SQLite database or (given a database name) on a PostgreSQL database of its
/// own. The account e-mail and the invitation tests over SMTP share it; a test reads tokens out of the messages the server received.
/// </summary>
public abstract class SmtpHostTests : IAsyncLifetime
{
    private readonly PostgresTestEngine? _postgres;
    private SmtpTestServer? _smtp;
    private AuthTestHost? _host;
    private WebApplicationFactory<Program>? _factory;

    /// <summary>A host on SQLite (<paramref name="postgresDatabase"/> null) or on that PostgreSQL database.</summary>
    protected SmtpHostTests(string? postgresDatabase) =>
        _postgres = postgresDatabase is null ? null : new PostgresTestEngine(postgresDatabase);

    /// <summary>The host's clock.</summary>
    protected FakeTimeProvider Clock { get; } = TestClock.Create();

    private protected SmtpTestServer Smtp => _smtp ?? throw new InvalidOperationException("Not initialised.");

    private protected AuthTestHost Host => _host ?? throw new InvalidOperationException("Not initialised.");

    /// <summary>The host on <see cref="Clock"/>; create clients from it.</summary>
    protected WebApplicationFactory<Program> Factory => _factory ?? throw new InvalidOperationException("Not initialised.");

    /// <summary>Settings of the test class on top of the SMTP and database ones.</summary>
    protected abstract IReadOnlyDictionary<string, string?> Settings();

    public async Task InitializeAsync()
    {
        _smtp = await SmtpTestServer.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Foundation:Email:From"] = "Example <no-reply@example.com>",
            ["Foundation:Email:Smtp:Host"] = "127.0.0.1",
            ["Foundation:Email:Smtp:Port"] = _smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Foundation:Email:Smtp:Security"] = "None",
            ["Foundation:Auth:AccountEmail:PublicBaseUrl"] = "https://app.example.com",
        };
        foreach (var (key, value) in Settings())
        {
            settings[key] = value;
        }

        if (_postgres is not null)
        {
            await _postgres.CreateAsync();
            settings["Foundation:Database:Provider"] = "PostgreSql";
            settings["Foundation:Database:ConnectionString"] = _postgres.ConnectionString;
        }

        _host = new AuthTestHost(settings);
        _factory = _host.Factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock))));
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        _host?.Dispose();
        if (_smtp is not null)
        {
            await _smtp.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DropAsync();
        }
    }

    /// <summary>The 43-character token of the link starting with <paramref name="linkPrefix"/> in a received message's text.</summary>
    private protected static string TokenIn(ReceivedMail mail, string linkPrefix)
    {
        mail.Text.ShouldNotBeNull();
        var match = Regex.Match(mail.Text, Regex.Escape(linkPrefix) + "([A-Za-z0-9_-]{43})");
        match.Success.ShouldBeTrue($"no link {linkPrefix}... in: {mail.Text}");
        return match.Groups[1].Value;
    }
}
