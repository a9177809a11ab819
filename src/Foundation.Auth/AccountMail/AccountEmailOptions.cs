using System.Globalization;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.AccountMail;

/// <summary>Password reset, e-mail confirmation and change of e-mail, bound from <c>Foundation:Auth:AccountEmail</c>.</summary>
public sealed class AccountEmailOptions
{
    /// <summary>
    /// The public address of the front end the links in account mail open, such as <c>https://app.example.com</c>. Default
    /// none: messages carry the token without a link (the reader pastes it). Behind a proxy this is the address users see.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>The front-end path of the password-reset page; the link adds <c>?token=...</c>. Default <c>/reset-password</c>.</summary>
    public string ResetPasswordPath { get; set; } = "/reset-password";

    /// <summary>The front-end path of the e-mail confirmation page; the link adds <c>?token=...</c>. Default <c>/confirm-email</c>.</summary>
    public string ConfirmEmailPath { get; set; } = "/confirm-email";

    /// <summary>How long a password-reset token works. Default 30 minutes; 5 minutes to 24 hours.</summary>
    public TimeSpan PasswordResetLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a confirmation token (new account or new address) works. Default 2 days; 10 minutes to 30 days.</summary>
    public TimeSpan ConfirmationLifetime { get; set; } = TimeSpan.FromDays(2);

    /// <summary>Whether <c>POST /api/v1/auth/register</c> mails a confirmation link. Default <see langword="true"/> (when an e-mail sender is registered).</summary>
    public bool SendConfirmationOnRegistration { get; set; } = true;

    /// <summary>
    /// How many account mails of one kind one account may be sent within the token's lifetime; further requests answer the
    /// same but send nothing (no mail bombing through the anonymous endpoints from many addresses). Default 5; 1 to 100.
    /// </summary>
    public int MaxMessagesPerLifetime { get; set; } = 5;

    /// <summary>The name of the service in the messages' subjects and greetings. Default <c>Foundation</c>.</summary>
    public string ServiceName { get; set; } = "Foundation";
}

/// <summary>Validates <c>Foundation:Auth:AccountEmail</c> at start; each failure names its key.</summary>
internal sealed class AccountEmailOptionsValidator : IValidateOptions<AuthOptions>
{
    private const string Prefix = AuthOptions.SectionName + ":AccountEmail:";

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.AccountEmail;
        var failures = new List<string>();
        if (o.PublicBaseUrl is { } url && (!url.IsAbsoluteUri || (!string.Equals(url.Scheme, Uri.UriSchemeHttps, StringComparison.Ordinal) && !string.Equals(url.Scheme, Uri.UriSchemeHttp, StringComparison.Ordinal))
            || !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment)))
        {
            failures.Add($"{Prefix}PublicBaseUrl is '{url}'; it must be an absolute http or https address without query or fragment, such as https://app.example.com.");
        }

        foreach (var (key, path) in new[] { ("ResetPasswordPath", o.ResetPasswordPath), ("ConfirmEmailPath", o.ConfirmEmailPath) })
        {
            if (string.IsNullOrEmpty(path) || path[0] != '/' || path.StartsWith("//", StringComparison.Ordinal) || path.Any(c => c is '?' or '#' || char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                failures.Add($"{Prefix}{key} is '{path}'; it must be a path starting with one '/', without query, fragment or spaces.");
            }
        }

        if (o.PasswordResetLifetime < TimeSpan.FromMinutes(5) || o.PasswordResetLifetime > TimeSpan.FromHours(24))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Prefix}PasswordResetLifetime is {o.PasswordResetLifetime}; it must be 00:05:00 to 1.00:00:00."));
        }

        if (o.ConfirmationLifetime < TimeSpan.FromMinutes(10) || o.ConfirmationLifetime > TimeSpan.FromDays(30))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Prefix}ConfirmationLifetime is {o.ConfirmationLifetime}; it must be 00:10:00 to 30.00:00:00."));
        }

        if (o.MaxMessagesPerLifetime is < 1 or > 100)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Prefix}MaxMessagesPerLifetime is {o.MaxMessagesPerLifetime}; it must be 1 to 100."));
        }

        if (string.IsNullOrWhiteSpace(o.ServiceName) || o.ServiceName.Length > 100 || o.ServiceName.Any(char.IsControl))
        {
            failures.Add($"{Prefix}ServiceName must be 1 to 100 characters without control characters.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
