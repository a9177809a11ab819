using System.Globalization;
using Foundation.Text;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.Authorization;

/// <summary>
/// Validates <see cref="AuthOptions.PlatformOperators"/> at start (each a non-empty user id of at most 128 characters with no invisible
/// character), and that no tenant role is named <see cref="Roles.PlatformOperator"/> (<see cref="AuthOptions.DefaultRoles"/>), so the
/// operator role can come from nowhere but the operator list.
/// </summary>
internal sealed class PlatformOperatorOptionsValidator : IValidateOptions<AuthOptions>
{
    public const int MaxUserIdLength = 128;

    private const string Prefix = AuthOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var operators = options.PlatformOperators ?? [];
        for (var i = 0; i < operators.Count; i++)
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"{Prefix}PlatformOperators:{i}");
            var id = operators[i];
            if (string.IsNullOrWhiteSpace(id))
            {
                errors.Add($"{key} is empty; list the user id (the 'sub' of the operator's token) of each platform operator.");
            }
            else if (id.Trim().Length > MaxUserIdLength)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{key} is {id.Length} characters long; a user id is at most {MaxUserIdLength}."));
            }
            else if (DisplayText.FindRefusedCharacter(id) is { } refused)
            {
                errors.Add($"{key} contains {refused.CodePointText} ({refused.Kind}); a user id has no invisible characters.");
            }
        }

        var roles = options.DefaultRoles ?? [];
        for (var i = 0; i < roles.Count; i++)
        {
            if (string.Equals(roles[i]?.Trim(), Roles.PlatformOperator, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{Prefix}DefaultRoles:{i} is '{Roles.PlatformOperator}', which is not a tenant role; platform operators are listed in {Prefix}PlatformOperators."));
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
