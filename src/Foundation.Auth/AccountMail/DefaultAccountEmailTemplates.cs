using System.Globalization;
using System.Net;
using Foundation.Email;

namespace Foundation.Auth.AccountMail;

/// <summary>Plain English messages, text with an HTML alternative; every value is HTML-encoded in the HTML part.</summary>
public sealed class DefaultAccountEmailTemplates : IAccountEmailTemplates
{
    /// <inheritdoc />
    public EmailMessage PasswordReset(AccountEmailContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Build(context, "password-reset", $"Reset your {context.ServiceName} password",
            $"Someone asked to reset the password of your {context.ServiceName} account. If it was you, choose a new password",
            "If you did not ask for this, ignore this message: your password stays as it is.");
    }

    /// <inheritdoc />
    public EmailMessage EmailConfirmation(AccountEmailContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Build(context, "email-confirmation", $"Confirm your e-mail address for {context.ServiceName}",
            $"Please confirm that this is the address of your {context.ServiceName} account",
            "If you did not create an account, ignore this message.");
    }

    /// <inheritdoc />
    public EmailMessage EmailChange(AccountEmailContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Build(context, "email-change", $"Confirm your new e-mail address for {context.ServiceName}",
            $"Someone asked to make this the address of their {context.ServiceName} account. If it was you, confirm it",
            "If you did not ask for this, ignore this message: nothing changes.");
    }

    /// <inheritdoc />
    public EmailMessage EmailChanged(AccountEmailContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var text = $"The e-mail address of your {context.ServiceName} account was changed to {context.NewEmail}.\n\n"
            + "If you did not do this, reset your password at once and contact the service's administrators.\n";
        var html = $"<p>The e-mail address of your {Encode(context.ServiceName)} account was changed to <b>{Encode(context.NewEmail)}</b>.</p>"
            + "<p>If you did not do this, reset your password at once and contact the service's administrators.</p>";
        return new EmailMessage(context.To, $"Your {context.ServiceName} e-mail address was changed", text, html, "email-changed");
    }

    private static EmailMessage Build(AccountEmailContext context, string category, string subject, string lead, string ignore)
    {
        var expires = context.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        string text;
        string html;
        if (context.Link is { } link)
        {
            text = $"{lead}:\n\n{link.AbsoluteUri}\n\nThe link works once, until {expires}.\n\n{ignore}\n";
            html = $"<p>{Encode(lead)}:</p><p><a href=\"{Encode(link.AbsoluteUri)}\">{Encode(link.AbsoluteUri)}</a></p>"
                + $"<p>The link works once, until {Encode(expires)}.</p><p>{Encode(ignore)}</p>";
        }
        else
        {
            text = $"{lead} with this code:\n\n{context.Token}\n\nThe code works once, until {expires}.\n\n{ignore}\n";
            html = $"<p>{Encode(lead)} with this code:</p><p><code>{Encode(context.Token)}</code></p>"
                + $"<p>The code works once, until {Encode(expires)}.</p><p>{Encode(ignore)}</p>";
        }

        return new EmailMessage(context.To, subject, text, html, category);
    }

    private static string Encode(string? value) => WebUtility.HtmlEncode(value ?? string.Empty);
}
