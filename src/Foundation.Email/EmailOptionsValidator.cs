using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Foundation.Email;

/// <summary>Validates <see cref="EmailOptions"/> at start; every failure names its key under <c>Foundation:Email</c>.</summary>
internal sealed class EmailOptionsValidator : IValidateOptions<EmailOptions>
{
    private const string Prefix = EmailOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, EmailOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.From) || !MailboxAddress.TryParse(options.From, out var from) || !IsPlausibleAddress(from.Address))
        {
            failures.Add($"{Prefix}From is '{options.From}'; it must be an e-mail address such as 'no-reply@example.com' or 'Example <no-reply@example.com>'.");
        }

        var smtp = options.Smtp;
        if (options.UsesSmtp())
        {
            var host = smtp.Host!.Trim();
            if (host.Contains("://", StringComparison.Ordinal) || host.Any(c => char.IsWhiteSpace(c) || c is '/' or '@'))
            {
                failures.Add($"{Prefix}Smtp:Host is '{smtp.Host}'; give a host name or address only (such as 'smtp.example.com'), without scheme, port or path.");
            }

            if (smtp.Port is < 1 or > 65535)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Prefix}Smtp:Port is {smtp.Port}; it must be 1 to 65535 (587 for STARTTLS, 465 for SslOnConnect)."));
            }

            if (smtp.Timeout < TimeSpan.FromSeconds(1) || smtp.Timeout > TimeSpan.FromMinutes(5))
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Prefix}Smtp:Timeout is {smtp.Timeout}; it must be 00:00:01 to 00:05:00."));
            }

            var hasUser = !string.IsNullOrEmpty(smtp.UserName);
            var hasPassword = !string.IsNullOrEmpty(smtp.Password);
            if (hasUser != hasPassword)
            {
                failures.Add($"{Prefix}Smtp:{(hasUser ? "Password" : "UserName")} is missing; set both Smtp:UserName and Smtp:Password, or neither.");
            }

            if (hasUser && smtp.Security is SmtpSecurity.None or SmtpSecurity.StartTlsWhenAvailable && !IsLoopback(host))
            {
                failures.Add($"{Prefix}Smtp:Security is {smtp.Security} with credentials for '{host}': the password could cross the network in clear text; use StartTls or SslOnConnect.");
            }
        }

        if (options.DevelopmentSink.MaxMessages is < 1 or > 100_000)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Prefix}DevelopmentSink:MaxMessages is {options.DevelopmentSink.MaxMessages}; it must be 1 to 100000."));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsPlausibleAddress(string address)
    {
        var at = address.LastIndexOf('@');
        return at > 0 && at < address.Length - 1;
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
}
