using Microsoft.Extensions.Options;

namespace Foundation.Auth.Tokens;

/// <summary>Validates <see cref="AuthOptions.Tokens"/> at start, naming the configuration key of each problem.</summary>
internal sealed class TokenOptionsValidator : IValidateOptions<AuthOptions>
{
    private const string Prefix = AuthOptions.SectionName + ":Tokens:";

    /// <summary>The longest <see cref="TokenOptions.RefreshReuseInterval"/> accepted: a stolen token is honoured this long at most.</summary>
    internal static readonly TimeSpan MaxRefreshReuseInterval = TimeSpan.FromMinutes(1);

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var tokens = options.Tokens;
        if (tokens is null)
        {
            return ValidateOptionsResult.Fail($"{AuthOptions.SectionName}:Tokens is missing.");
        }

        var failures = new List<string>();
        if (SigningKeyMaterial.Normalize(tokens.Algorithm) is null)
        {
            failures.Add($"{Prefix}Algorithm is '{tokens.Algorithm}'; use HS256, ES256 or RS256.");
        }

        if (string.IsNullOrWhiteSpace(tokens.Issuer))
        {
            failures.Add($"{Prefix}Issuer is empty; set the issuer (iss) of access tokens.");
        }

        if (string.IsNullOrWhiteSpace(tokens.Audience))
        {
            failures.Add($"{Prefix}Audience is empty; set the audience (aud) of access tokens.");
        }

        Range(failures, "AccessTokenMinutes", tokens.AccessTokenMinutes, 1, 1440);
        Range(failures, "RefreshTokenDays", tokens.RefreshTokenDays, 1, 365);
        Range(failures, "KeyRotationDays", tokens.KeyRotationDays, 1, int.MaxValue);
        Range(failures, "ClockSkewSeconds", tokens.ClockSkewSeconds, 0, 300);
        if (tokens.RefreshReuseInterval < TimeSpan.Zero || tokens.RefreshReuseInterval > MaxRefreshReuseInterval)
        {
            failures.Add(FormattableString.Invariant(
                $"{Prefix}RefreshReuseInterval is {tokens.RefreshReuseInterval}; it must be between 00:00:00 (off: strict single use) and {MaxRefreshReuseInterval}."));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Range(List<string> failures, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add(max == int.MaxValue
                ? FormattableString.Invariant($"{Prefix}{key} is {value}; it must be at least {min}.")
                : FormattableString.Invariant($"{Prefix}{key} is {value}; it must be between {min} and {max}."));
        }
    }
}
