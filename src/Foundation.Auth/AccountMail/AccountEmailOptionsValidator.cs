using System.Globalization;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.AccountMail;

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
