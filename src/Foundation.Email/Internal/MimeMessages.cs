using MimeKit;
using MimeKit.Utils;

namespace Foundation.Email.Internal;

/// <summary>Turns an <see cref="EmailMessage"/> into a MIME message (MimeKit encodes non-ASCII headers per RFC 2047).</summary>
internal static class MimeMessages
{
    /// <summary>The header naming the message's <see cref="EmailMessage.Category"/>.</summary>
    public const string CategoryHeader = "X-Foundation-Category";

    /// <exception cref="ArgumentException">The recipient is not one address, or the subject or category holds a line break.</exception>
    public static MimeMessage Create(EmailMessage message, string from, DateTimeOffset date)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (string.IsNullOrWhiteSpace(message.To) || !MailboxAddress.TryParse(message.To, out var to) || to.Address.IndexOf('@', StringComparison.Ordinal) <= 0)
        {
            throw new ArgumentException($"The recipient '{message.To}' is not an e-mail address.", nameof(message));
        }

        if (message.Subject is null || message.Subject.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("The subject must be one line.", nameof(message));
        }

        if (string.IsNullOrWhiteSpace(message.Category) || !message.Category.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException($"The category '{message.Category}' must be a short name of letters, digits, '-', '_' or '.'.", nameof(message));
        }

        var sender = MailboxAddress.Parse(from);
        var mime = new MimeMessage
        {
            Subject = message.Subject,
            Date = date,
            MessageId = MimeUtils.GenerateMessageId(DomainOf(sender.Address)),
        };
        mime.From.Add(sender);
        mime.To.Add(to);
        mime.Headers.Add(CategoryHeader, message.Category);
        var body = new BodyBuilder { TextBody = message.TextBody ?? string.Empty };
        if (!string.IsNullOrEmpty(message.HtmlBody))
        {
            body.HtmlBody = message.HtmlBody;
        }

        mime.Body = body.ToMessageBody();
        return mime;
    }

    private static string DomainOf(string address)
    {
        var at = address.LastIndexOf('@');
        return at >= 0 && at < address.Length - 1 ? address[(at + 1)..] : "localhost";
    }
}
