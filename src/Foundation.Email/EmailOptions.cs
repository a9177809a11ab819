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
