using Microsoft.Extensions.Options;

namespace Foundation.Audit;

/// <summary>Fails the host's start with a message naming the <c>Foundation:Audit</c> key that is wrong.</summary>
internal sealed class AuditOptionsValidator : IValidateOptions<AuditOptions>
{
    private const string P = AuditOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, AuditOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.AdminPolicy))
        {
            errors.Add($"{P}AdminPolicy is empty; name the authorization policy that guards the audit API (default foundation:role:admin).");
        }

        Range(errors, "Capacity", options.Capacity, 1, 10_000_000);
        Range(errors, "BatchSize", options.BatchSize, 1, 10_000);
        Range(errors, "MaxRetryDelaySeconds", options.MaxRetryDelaySeconds, 1, 3600);
        Range(errors, "ShutdownFlushSeconds", options.ShutdownFlushSeconds, 0, 3600);
        Range(errors, "MaxDetailsBytes", options.MaxDetailsBytes, 256, 1_048_576);
        Range(errors, "Checkpoints:EveryEvents", options.Checkpoints.EveryEvents, 1, 1_000_000);
        Range(errors, "Checkpoints:EverySeconds", options.Checkpoints.EverySeconds, 1, 86_400);

        Range(errors, "Retention:DefaultDays", options.Retention.DefaultDays, 0, 36_500);
        Range(errors, "Retention:IntervalMinutes", options.Retention.IntervalMinutes, 1, 10_080);
        Range(errors, "Retention:MaxEventsPerRun", options.Retention.MaxEventsPerRun, 1, 1_000_000);
        foreach (var (category, days) in options.Retention.Categories)
        {
            Range(errors, "Retention:Categories:" + category, days, 0, 36_500);
        }

        foreach (var (keyId, value) in options.Signing.Keys)
        {
            if (!Chain.AuditSigningKeyRing.IsValidKeyId(keyId))
            {
                errors.Add($"{P}Signing:Keys:{keyId} has an invalid key id; use 1 to 64 letters, digits, '-', '_' or '.'.");
            }

            if (!TryDecode(value, out var bytes) || bytes.Length < 32)
            {
                errors.Add($"{P}Signing:Keys:{keyId} must be base64 of at least 32 random bytes (for example: openssl rand -base64 32).");
            }
        }

        if (options.Signing.ActiveKeyId is { } active)
        {
            if (!options.Signing.Keys.ContainsKey(active))
            {
                errors.Add($"{P}Signing:ActiveKeyId is '{active}', which is not among {P}Signing:Keys ({string.Join(", ", options.Signing.Keys.Keys)}).");
            }
        }
        else if (options.Signing.Keys.Count > 1)
        {
            errors.Add($"{P}Signing:ActiveKeyId is required when {P}Signing:Keys has more than one key.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Range(List<string> errors, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{P}{key} is {value}; use {min} to {max}."));
        }
    }

    internal static bool TryDecode(string? value, out byte[] bytes)
    {
        bytes = [];
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        try
        {
            bytes = Convert.FromBase64String(value.Trim());
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
