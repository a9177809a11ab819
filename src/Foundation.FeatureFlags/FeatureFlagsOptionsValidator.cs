using Foundation.Abstractions.Authorization;
using Microsoft.Extensions.Options;

namespace Foundation.FeatureFlags;

/// <summary>Validates <see cref="FeatureFlagsOptions"/> at start, naming the key.</summary>
internal sealed class FeatureFlagsOptionsValidator : IValidateOptions<FeatureFlagsOptions>
{
    public ValidateOptionsResult Validate(string? name, FeatureFlagsOptions options)
    {
        var failures = new List<string>();
        if (options.CacheTtl < TimeSpan.Zero || options.CacheTtl > TimeSpan.FromHours(1))
        {
            failures.Add($"{FeatureFlagsOptions.SectionName}:CacheTtl is {options.CacheTtl}; it must be from 00:00:00 to 01:00:00.");
        }

        if (string.IsNullOrWhiteSpace(options.AdminPolicy))
        {
            failures.Add($"{FeatureFlagsOptions.SectionName}:AdminPolicy is empty; name the authorization policy of the admin API (default {FoundationPolicies.Admin}).");
        }

        if (options.MaxFlagsPerOrganization is < 1 or > 100_000)
        {
            failures.Add($"{FeatureFlagsOptions.SectionName}:MaxFlagsPerOrganization is {options.MaxFlagsPerOrganization}; it must be from 1 to 100000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
