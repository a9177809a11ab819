using System.Globalization;
using Microsoft.Extensions.Options;

namespace Foundation.Costing.Internal;

/// <summary>Validates <see cref="CostingOptions"/> at start; every failure names its configuration key.</summary>
internal sealed class CostingOptionsValidator : IValidateOptions<CostingOptions>
{
    private const string Prefix = CostingOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, CostingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (!TimeZones.TryFind(options.TimeZone, out _))
        {
            errors.Add($"{Prefix}TimeZone is '{options.TimeZone}', which is not a known IANA time zone (for example 'UTC' or 'Europe/Berlin').");
        }

        Range(errors, "DefaultMaxOutputTokens", options.DefaultMaxOutputTokens, 1, 10_000_000);
        Range(errors, "PriceRefreshSeconds", options.PriceRefreshSeconds, 1, 86_400);
        Range(errors, "MaxPriceOverridesPerTenant", options.MaxPriceOverridesPerTenant, 1, 100_000);
        Range(errors, "Ledger:Capacity", options.Ledger.Capacity, 1, 10_000_000);
        Range(errors, "Ledger:BatchSize", options.Ledger.BatchSize, 1, 10_000);
        Range(errors, "Ledger:CommitIntervalMilliseconds", options.Ledger.CommitIntervalMilliseconds, 0, 1_000);
        Range(errors, "Ledger:MaxRetryDelaySeconds", options.Ledger.MaxRetryDelaySeconds, 1, 3_600);
        Range(errors, "Ledger:ShutdownFlushSeconds", options.Ledger.ShutdownFlushSeconds, 0, 3_600);
        Range(errors, "Budgets:ReservationTtlSeconds", options.Budgets.ReservationTtlSeconds, 1, 86_400);
        Range(errors, "Budgets:ReclaimIntervalSeconds", options.Budgets.ReclaimIntervalSeconds, 1, 86_400);
        Range(errors, "Budgets:DefinitionCacheSeconds", options.Budgets.DefinitionCacheSeconds, 0, 3_600);
        Range(errors, "Budgets:Leases:SliceDivisor", options.Budgets.Leases.SliceDivisor, 1, 1_000);
        Range(errors, "Budgets:Leases:MinSliceCalls", options.Budgets.Leases.MinSliceCalls, 1, 1_000_000);
        Range(errors, "Budgets:Leases:MaxSliceCalls", options.Budgets.Leases.MaxSliceCalls, options.Budgets.Leases.MinSliceCalls, 1_000_000);
        Range(errors, "Budgets:Leases:RefillBelowPercent", options.Budgets.Leases.RefillBelowPercent, 0, 99);
        Range(errors, "Budgets:Leases:TtlSeconds", options.Budgets.Leases.TtlSeconds, 4, 86_400);
        Range(errors, "Budgets:Leases:FlushIntervalMilliseconds", options.Budgets.Leases.FlushIntervalMilliseconds, 10, 60_000);
        Range(errors, "Budgets:Leases:IdleSeconds", options.Budgets.Leases.IdleSeconds, 1, 86_400);
        if (options.Budgets.Leases.FlushIntervalMilliseconds >= options.Budgets.Leases.TtlSeconds * 1000 / 4)
        {
            errors.Add($"{CostingOptions.SectionName}:Budgets:Leases:FlushIntervalMilliseconds must be under a quarter of Budgets:Leases:TtlSeconds, so a live instance renews its leases before they expire.");
        }
        for (var i = 0; i < options.Budgets.DefaultThresholds.Count; i++)
        {
            Range(errors, $"Budgets:DefaultThresholds:{i}", options.Budgets.DefaultThresholds[i], 1, 1000);
        }

        foreach (var (provider, models) in options.Prices)
        {
            foreach (var (model, price) in models)
            {
                var key = $"{Prefix}Prices:{provider}:{model}";
                if (price.InputPerMillion is null)
                {
                    errors.Add($"{key}:InputPerMillion is required (USD per one million input tokens).");
                }

                if (price.OutputPerMillion is null)
                {
                    errors.Add($"{key}:OutputPerMillion is required (USD per one million output tokens).");
                }

                Price(errors, key, "InputPerMillion", price.InputPerMillion);
                Price(errors, key, "OutputPerMillion", price.OutputPerMillion);
                Price(errors, key, "CachedInputPerMillion", price.CachedInputPerMillion);
                Price(errors, key, "CacheWrite5mPerMillion", price.CacheWrite5mPerMillion);
                Price(errors, key, "CacheWrite1hPerMillion", price.CacheWrite1hPerMillion);
                Price(errors, key, "ReasoningPerMillion", price.ReasoningPerMillion);
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Range(List<string> errors, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{Prefix}{key} is {value}; it must be between {min} and {max}."));
        }
    }

    private static void Price(List<string> errors, string key, string field, decimal? value)
    {
        if (value is { } v && (v < 0 || v > PriceRules.MaxPerMillion))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key}:{field} is {v}; a price must be between 0 and {PriceRules.MaxPerMillion} USD per million tokens."));
        }
    }
}

/// <summary>Limits shared by configuration and the price service.</summary>
internal static class PriceRules
{
    /// <summary>No model costs more than this per million tokens; a larger number is a typo (per token instead of per million, cents).</summary>
    public const decimal MaxPerMillion = 10_000m;
}

/// <summary>Finds IANA time zones (and Windows ids, which .NET converts).</summary>
internal static class TimeZones
{
    public static bool TryFind(string? id, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(id))
        {
            return false;
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(id.Trim(), out zone!);
    }

    public static TimeZoneInfo Find(string? id, string field) =>
        TryFind(id, out var zone) ? zone : throw new CostingValidationException(field, $"{field} '{id}' is not a known IANA time zone (for example 'UTC' or 'Europe/Berlin').");
}
