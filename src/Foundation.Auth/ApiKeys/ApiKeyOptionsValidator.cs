using System.Globalization;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.ApiKeys;

/// <summary>Validates <see cref="AuthOptions.ApiKeys"/> at start, naming the configuration key of each problem.</summary>
internal sealed class ApiKeyOptionsValidator : IValidateOptions<AuthOptions>
{
    public static readonly TimeSpan MinFlushInterval = TimeSpan.FromMilliseconds(100);

    public static readonly TimeSpan MaxFlushInterval = TimeSpan.FromMinutes(5);

    private const string Prefix = AuthOptions.SectionName + ":ApiKeys:";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ApiKeys is not { } apiKeys)
        {
            return ValidateOptionsResult.Fail($"{AuthOptions.SectionName}:ApiKeys is missing.");
        }

        var interval = apiKeys.UsageFlushInterval;
        if (interval < MinFlushInterval || interval > MaxFlushInterval)
        {
            return ValidateOptionsResult.Fail(string.Create(CultureInfo.InvariantCulture,
                $"{Prefix}UsageFlushInterval is {interval}; it must be 00:00:00.1 (100 milliseconds) to 00:05:00 (5 minutes)."));
        }

        return ValidateOptionsResult.Success;
    }
}
