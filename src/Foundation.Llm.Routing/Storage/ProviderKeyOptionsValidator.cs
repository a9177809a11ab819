using System.Globalization;
using Microsoft.Extensions.Options;

namespace Foundation.Llm.Routing.Storage;

/// <summary>Checks <see cref="ProviderKeyOptions"/> at start; every failure names its key.</summary>
internal sealed class ProviderKeyOptionsValidator : IValidateOptions<ProviderKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, ProviderKeyOptions options)
    {
        var failures = new List<string>();
        if (options.CacheSeconds is < 0 or > 3600)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{ProviderKeyOptions.SectionName}:CacheSeconds is {options.CacheSeconds}; it must be 0 to 3600."));
        }

        if (options.TestTimeoutSeconds is < 1 or > 120)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{ProviderKeyOptions.SectionName}:TestTimeoutSeconds is {options.TestTimeoutSeconds}; it must be 1 to 120."));
        }

        if (options.MaxKeysPerOwner is < 1 or > 10000)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{ProviderKeyOptions.SectionName}:MaxKeysPerOwner is {options.MaxKeysPerOwner}; it must be 1 to 10000."));
        }

        for (var i = 0; i < options.AllowedHosts.Count; i++)
        {
            var host = options.AllowedHosts[i];
            var entry = host?.Trim() ?? string.Empty;
            var bare = entry.StartsWith("*.", StringComparison.Ordinal) ? entry[2..] : entry;
            if (bare.Length == 0 || (Uri.CheckHostName(Outbound.OutboundAddressPolicy.NormalizeHost(bare)) == UriHostNameType.Unknown))
            {
                failures.Add(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{ProviderKeyOptions.SectionName}:AllowedHosts:{i} is '{host}'; it must be a host name (llm.example.internal), a subdomain wildcard (*.example.internal) or an IP address, without scheme, port or path."));
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
