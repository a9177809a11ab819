using System.Globalization;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.Organizations;

/// <summary>Checks <c>Foundation:Auth:Organizations</c> at start, naming the key at fault.</summary>
internal sealed class OrganizationOptionsValidator : IValidateOptions<AuthOptions>
{
    private const string Prefix = AuthOptions.SectionName + ":Organizations:";

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Organizations;
        if (o is null)
        {
            return ValidateOptionsResult.Fail(AuthOptions.SectionName + ":Organizations is missing.");
        }

        var errors = new List<string>();
        if (o.MaxSettingsBytes is < 2 or > 65_536)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{Prefix}MaxSettingsBytes is {o.MaxSettingsBytes}; it must be 2 to 65536."));
        }

        if (o.MaxOrganizationsPerUser is < 1 or > 10_000)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{Prefix}MaxOrganizationsPerUser is {o.MaxOrganizationsPerUser}; it must be 1 to 10000."));
        }

        if (o.InvitationLifetime < TimeSpan.FromHours(1) || o.InvitationLifetime > TimeSpan.FromDays(90))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{Prefix}InvitationLifetime is {o.InvitationLifetime}; it must be 01:00:00 to 90.00:00:00."));
        }

        if (o.InvitationAcceptUrl is { } url && (!url.IsAbsoluteUri || (!string.Equals(url.Scheme, Uri.UriSchemeHttps, StringComparison.Ordinal) && !string.Equals(url.Scheme, Uri.UriSchemeHttp, StringComparison.Ordinal)) || url.Query.Length > 0))
        {
            errors.Add($"{Prefix}InvitationAcceptUrl is '{url}'; it must be an absolute http(s) URL without a query.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
