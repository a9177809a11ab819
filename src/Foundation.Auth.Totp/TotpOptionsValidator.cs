using System.Globalization;
using Foundation.Auth.Totp.Provisioning;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.Totp;

/// <summary>Validates <c>Foundation:Auth:Totp</c> at start; each failure names its key.</summary>
internal sealed class TotpOptionsValidator : IValidateOptions<TotpOptions>
{
    private const string Section = TotpOptions.SectionName;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TotpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Issuer) || options.Issuer.Length > OtpAuthUri.MaxIssuerLength || options.Issuer.Contains(':', StringComparison.Ordinal)
            || options.Issuer.Any(char.IsControl) || !string.Equals(options.Issuer, options.Issuer.Trim(), StringComparison.Ordinal))
        {
            failures.Add(Invariant($"{Section}:Issuer must be 1 to {OtpAuthUri.MaxIssuerLength} characters, without a colon, control characters or white space at an end."));
        }

        if (!Enum.IsDefined(options.Algorithm))
        {
            failures.Add(Invariant($"{Section}:Algorithm is {options.Algorithm}; it must be Sha1, Sha256 or Sha512."));
        }

        Range(failures, "Digits", options.Digits, 6, 8);
        Range(failures, "PeriodSeconds", options.PeriodSeconds, 1, 300);
        Range(failures, "Window", options.Window, 0, Otp.Totp.MaxWindow);
        Range(failures, "SetupLifetimeMinutes", options.SetupLifetimeMinutes, 1, 1440);
        Range(failures, "MaxFailedAttempts", options.MaxFailedAttempts, 1, 1000);
        Range(failures, "FailureWindowMinutes", options.FailureWindowMinutes, 1, 1440);
        Range(failures, "BlockMinutes", options.BlockMinutes, 1, 1440);
        Range(failures, "RecoveryCodeCount", options.RecoveryCodeCount, 1, 50);
        Range(failures, "MaxTrustedDevicesPerUser", options.MaxTrustedDevicesPerUser, 1, 100);
        if (options.TrustedDeviceLifetime < TimeSpan.FromMinutes(1) || options.TrustedDeviceLifetime > TimeSpan.FromDays(365))
        {
            failures.Add(Invariant($"{Section}:TrustedDeviceLifetime is {options.TrustedDeviceLifetime}; it must be 00:01:00 (one minute) to 365.00:00:00 (365 days)."));
        }
        RequiredRoles(failures, options.RequiredForRoles);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Roles are stored lower-case and space-separated: a name with white space could never be held.</summary>
    private static void RequiredRoles(List<string> failures, IList<string>? roles)
    {
        for (var i = 0; i < (roles?.Count ?? 0); i++)
        {
            var role = roles![i];
            if (string.IsNullOrWhiteSpace(role) || role.Length > 64 || role.Any(char.IsWhiteSpace) || role.Any(char.IsControl))
            {
                failures.Add(Invariant($"{Section}:RequiredForRoles:{i} is '{role}'; a role name is 1 to 64 characters without white space (for example 'owner' or 'admin')."));
            }
        }
    }

    private static void Range(List<string> failures, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add(Invariant($"{Section}:{key} is {value}; it must be {min} to {max}."));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
