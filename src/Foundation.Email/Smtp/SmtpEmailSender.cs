using System.Globalization;
using System.Net.Sockets;
using Foundation.Email.Diagnostics;
using Foundation.Email.Internal;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Foundation.Email.Smtp;

/// <summary>
/// Delivers each message to the SMTP server of <see cref="SmtpOptions"/> with MailKit: one connection per message (connect,
/// secure, authenticate, send, quit) within <see cref="SmtpOptions.Timeout"/>. Every failure (unreachable, refused, TLS,
/// authentication, timeout) becomes an <see cref="EmailDeliveryException"/> naming the server; bodies are never logged.
/// </summary>
public sealed partial class SmtpEmailSender : IEmailSender
{
    private readonly IOptionsMonitor<EmailOptions> _options;
    private readonly TimeProvider _time;
    private readonly EmailTelemetry _telemetry;
    private readonly ILogger<SmtpEmailSender> _logger;

    /// <summary>Creates the sender.</summary>
    public SmtpEmailSender(IOptionsMonitor<EmailOptions> options, TimeProvider time, EmailTelemetry telemetry, ILogger<SmtpEmailSender> logger)
    {
        _options = options;
        _time = time;
        _telemetry = telemetry;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var options = _options.CurrentValue;
        var smtp = options.Smtp;
        if (string.IsNullOrWhiteSpace(smtp.Host))
        {
            throw new EmailDeliveryException("No SMTP server is configured (Foundation:Email:Smtp:Host is empty).");
        }

        var mime = MimeMessages.Create(message, options.From, _time.GetUtcNow());
        var server = string.Create(CultureInfo.InvariantCulture, $"{smtp.Host}:{smtp.Port}");
        using var activity = EmailTelemetry.ActivitySource.StartActivity("email.send");
        activity?.SetTag("email.category", message.Category);
        activity?.SetTag("server.address", smtp.Host);
        activity?.SetTag("server.port", smtp.Port);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(smtp.Timeout);
        using var client = new SmtpClient { Timeout = (int)Math.Min(int.MaxValue, smtp.Timeout.TotalMilliseconds) };
        try
        {
            await client.ConnectAsync(smtp.Host, smtp.Port, ToMailKit(smtp.Security), timeout.Token).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(smtp.UserName))
            {
                await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? string.Empty, timeout.Token).ConfigureAwait(false);
            }

            await client.SendAsync(mime, timeout.Token).ConfigureAwait(false);
            await client.DisconnectAsync(quit: true, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            Fail(message, server, "timeout");
            throw new EmailDeliveryException(string.Create(CultureInfo.InvariantCulture, $"The SMTP server {server} did not complete the delivery within {smtp.Timeout}."), ex);
        }
        catch (Exception ex) when (IsDeliveryFailure(ex))
        {
            Fail(message, server, ex.GetType().Name);
            throw new EmailDeliveryException($"The SMTP server {server} could not take the message: {Describe(ex)}", ex);
        }

        _telemetry.Record(message.Category, "smtp", delivered: true);
        LogDelivered(_logger, message.Category, mime.MessageId ?? string.Empty, server);
    }

    private void Fail(EmailMessage message, string server, string reason)
    {
        _telemetry.Record(message.Category, "smtp", delivered: false);
        LogFailed(_logger, message.Category, server, reason);
    }

    private static bool IsDeliveryFailure(Exception ex) =>
        ex is SmtpCommandException or SmtpProtocolException or SocketException or IOException or System.Security.Authentication.AuthenticationException
            or MailKit.Security.AuthenticationException or SslHandshakeException or ServiceNotConnectedException
            or ServiceNotAuthenticatedException or NotSupportedException or TimeoutException;

    private static string Describe(Exception ex) => ex switch
    {
        SmtpCommandException command => string.Create(CultureInfo.InvariantCulture, $"{(int)command.StatusCode} {command.Message}"),
        SocketException socket => string.Create(CultureInfo.InvariantCulture, $"connection failed ({socket.SocketErrorCode})."),
        NotSupportedException => "the server does not offer STARTTLS, which Foundation:Email:Smtp:Security requires.",
        _ => ex.Message,
    };

    private static SecureSocketOptions ToMailKit(SmtpSecurity security) => security switch
    {
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        SmtpSecurity.StartTlsWhenAvailable => SecureSocketOptions.StartTlsWhenAvailable,
        SmtpSecurity.None => SecureSocketOptions.None,
        _ => SecureSocketOptions.StartTls,
    };

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Delivered a {Category} e-mail {MessageId} to the SMTP server {Server}")]
    private static partial void LogDelivered(ILogger logger, string category, string messageId, string server);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Could not deliver a {Category} e-mail to the SMTP server {Server}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string category, string server, string reason);
}
