namespace Foundation.Email;

/// <summary>
/// How e-mail leaves the application, bound from <c>Foundation:Email</c>. With <see cref="SmtpOptions.Host"/> set, messages go to
/// that SMTP server; without it they are written by the development sink to <see cref="DevelopmentSinkOptions.Directory"/>.
/// </summary>
public sealed class EmailOptions
{
    /// <summary>The configuration section: <c>Foundation:Email</c>.</summary>
    public const string SectionName = "Foundation:Email";

    /// <summary>
    /// The sender of every message, an address or <c>Name &lt;address&gt;</c>. Default <c>Foundation &lt;no-reply@localhost&gt;</c>;
    /// set it to an address of your domain before sending real mail.
    /// </summary>
    public string From { get; set; } = "Foundation <no-reply@localhost>";

    /// <summary>The SMTP server (<c>Foundation:Email:Smtp</c>); used when its <see cref="SmtpOptions.Host"/> is set.</summary>
    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>The development sink (<c>Foundation:Email:DevelopmentSink</c>); used when no SMTP host is set.</summary>
    public DevelopmentSinkOptions DevelopmentSink { get; set; } = new();

    /// <summary>Whether messages go to the SMTP server (a host is set) rather than the development sink.</summary>
    public bool UsesSmtp() => !string.IsNullOrWhiteSpace(Smtp.Host);
}

/// <summary>The SMTP server, bound from <c>Foundation:Email:Smtp</c>.</summary>
public sealed class SmtpOptions
{
    /// <summary>The server's host name or address. Default none: the development sink is used.</summary>
    public string? Host { get; set; }

    /// <summary>The port. Default 587 (submission with STARTTLS); 465 goes with <see cref="SmtpSecurity.SslOnConnect"/>.</summary>
    public int Port { get; set; } = 587;

    /// <summary>How the connection is secured. Default <see cref="SmtpSecurity.StartTls"/> (refuse a server that does not offer it).</summary>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    /// <summary>The user name to authenticate with; none sends without authenticating (a local relay).</summary>
    public string? UserName { get; set; }

    /// <summary>The password of <see cref="UserName"/>. Keep it out of appsettings.json (user secrets, environment, a vault).</summary>
    public string? Password { get; set; }

    /// <summary>How long one delivery (connect, authenticate, send) may take. Default 30 seconds; 1 second to 5 minutes.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>How the SMTP connection is secured.</summary>
public enum SmtpSecurity
{
    /// <summary>Plain connection upgraded with STARTTLS; a server that does not offer it is refused.</summary>
    StartTls,

    /// <summary>TLS from the first byte (implicit TLS, usually port 465).</summary>
    SslOnConnect,

    /// <summary>STARTTLS when the server offers it, otherwise plain text. Not for credentials over a network.</summary>
    StartTlsWhenAvailable,

    /// <summary>No TLS: only for a relay on the same machine or in tests. Credentials are refused with it unless the host is a loopback address.</summary>
    None,
}

/// <summary>The development sink, bound from <c>Foundation:Email:DevelopmentSink</c>.</summary>
public sealed class DevelopmentSinkOptions
{
    /// <summary>
    /// The folder each message is written to as an <c>.eml</c> file, with an <c>index.jsonl</c> beside them. Default: under
    /// Foundation.Hosting <c>{DataDirectory}/mail</c>, otherwise <c>mail</c> in the current directory.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>How many messages the sink keeps; the oldest are deleted beyond it. Default 500; 1 to 100,000.</summary>
    public int MaxMessages { get; set; } = 500;
}
