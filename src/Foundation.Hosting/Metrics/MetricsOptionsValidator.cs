using System.Globalization;
using Foundation.Hosting.Metrics.Internal;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Options;

namespace Foundation.Hosting.Metrics;

/// <summary>Validates <see cref="MetricsOptions"/>; every failure names the configuration key it comes from.</summary>
internal sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    /// <summary>The minimum length of <see cref="MetricsOptions.ApiKey"/>.</summary>
    internal const int MinimumApiKeyLength = 16;

    private readonly string _sectionPath;

    /// <param name="sectionPath">The configuration path the options are bound from, used in messages.</param>
    public MetricsOptionsValidator(string sectionPath)
    {
        _sectionPath = sectionPath;
    }

    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrEmpty(options.Path) || options.Path[0] != '/')
        {
            failures.Add($"{_sectionPath}:Path is '{options.Path}'; it must start with '/' (for example /metrics)");
        }
        else if (!IsLiteralRoute(options.Path))
        {
            failures.Add($"{_sectionPath}:Path is '{options.Path}', not a plain route path (no parameters, for example /internal/metrics)");
        }

        for (var i = 0; i < options.AllowedIPs.Count; i++)
        {
            if (!IpAccessList.TryParseEntry(options.AllowedIPs[i], out _))
            {
                failures.Add(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{_sectionPath}:AllowedIPs:{i} is '{options.AllowedIPs[i]}', not an IP address or CIDR range (for example 10.0.0.0/8 or ::1)"));
            }
        }

        if (!string.IsNullOrEmpty(options.ApiKey) && options.ApiKey.Trim().Length < MinimumApiKeyLength)
        {
            failures.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"{_sectionPath}:ApiKey is too short; use at least {MinimumApiKeyLength} characters (a random secret), or leave it empty to require no key"));
        }

        for (var i = 0; i < options.Meters.Count; i++)
        {
            var meter = options.Meters[i];
            if (string.IsNullOrWhiteSpace(meter) || meter.IndexOf('*', StringComparison.Ordinal) is var star && star >= 0 && star != meter.Length - 1)
            {
                failures.Add(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{_sectionPath}:Meters:{i} is '{meter}'; use a meter name or a prefix ending in '*' (for example MyCompany.*)"));
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsLiteralRoute(string path)
    {
        try
        {
            return RoutePatternFactory.Parse(path).Parameters.Count == 0;
        }
        catch (RoutePatternException)
        {
            return false;
        }
    }
}
