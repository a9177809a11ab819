namespace Foundation.Email;

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
