using System.Globalization;
using Microsoft.Extensions.Options;

namespace Foundation.Llm.Routing.Storage;

/// <summary>The provider-key store (bring your own key), bound from <c>Foundation:Llm:ProviderKeys</c>.</summary>
public sealed class ProviderKeyOptions
{
    /// <summary>The configuration section: <c>Foundation:Llm:ProviderKeys</c>.</summary>
    public const string SectionName = "Foundation:Llm:ProviderKeys";

    /// <summary>The longest key accepted, in characters.</summary>
    public const int MaxKeyLength = 2048;

    /// <summary>
    /// How long a resolved credential (or the absence of one) is cached per user, provider and instance, in seconds.
    /// Default 30; 0 turns the cache off. A change made on this instance clears the cache at once.
    /// </summary>
    public int CacheSeconds { get; set; } = 30;

    /// <summary>How long the live check of <c>POST /api/v1/provider-keys/{id}/test</c> waits, in seconds. Default 10.</summary>
    public int TestTimeoutSeconds { get; set; } = 10;

    /// <summary>How many keys one user (or one tenant, for tenant-wide keys) may store. Default 50.</summary>
    public int MaxKeysPerOwner { get; set; } = 50;

    /// <summary>
    /// Whether a base URL may point at loopback, private (RFC 1918, fc00::/7) or link-local addresses. Default
    /// <see langword="false"/>: the live check connects only to public addresses, so a stored key cannot be used to probe
    /// the server's own network. Turn it on for self-hosted models on the same network.
    /// </summary>
    public bool AllowPrivateNetworkBaseUrls { get; set; }
}

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

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
