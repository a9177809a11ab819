namespace Foundation.Email;

/// <summary>
/// Delivers one e-mail message. Foundation.Auth sends account mail through it (password reset, e-mail confirmation,
/// invitations); Foundation.Email provides an SMTP implementation (MailKit) and a development sink that writes
/// messages to the data directory. A host can register its own (a transactional-mail API, a queue).
/// </summary>
/// <remarks>
/// Implementations must not log the message body: it carries single-use tokens.
/// </remarks>
public interface IEmailSender
{
    /// <summary>Delivers <paramref name="message"/>, or throws <see cref="EmailDeliveryException"/> when it could not.</summary>
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default);
}
