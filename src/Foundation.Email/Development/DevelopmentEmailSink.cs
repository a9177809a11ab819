using Foundation.Email.Diagnostics;

namespace Foundation.Email.Development;

/// <summary>
/// An <see cref="IEmailSender"/> for development and demos: each message is written to the <see cref="DevelopmentMailbox"/>
/// folder instead of being delivered, so account mail (password reset, confirmation, invitations) can be followed without a
/// mail server. It logs that it is in use (once), never a body.
/// </summary>
public sealed class DevelopmentEmailSink : IEmailSender
{
    private readonly DevelopmentMailbox _mailbox;
    private readonly EmailTelemetry _telemetry;

    /// <summary>Creates the sink over <paramref name="mailbox"/>.</summary>
    public DevelopmentEmailSink(DevelopmentMailbox mailbox, EmailTelemetry telemetry)
    {
        _mailbox = mailbox;
        _telemetry = telemetry;
    }

    /// <inheritdoc />
    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            await _mailbox.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (EmailDeliveryException)
        {
            _telemetry.Record(message.Category, "development-sink", delivered: false);
            throw;
        }

        _telemetry.Record(message.Category, "development-sink", delivered: true);
    }
}
