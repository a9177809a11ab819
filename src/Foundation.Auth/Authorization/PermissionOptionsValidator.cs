using System.Globalization;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.Authorization;

/// <summary>Checks <c>Foundation:Auth:Permissions</c> at start: valid names, built-in roles only.</summary>
internal sealed class PermissionOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        foreach (var (permission, roles) in options.Permissions)
        {
            var key = AuthOptions.SectionName + ":Permissions:" + permission;
            if (!PermissionPolicies.IsValidName(permission))
            {
                errors.Add($"{key} is not a valid permission name: 1 to 100 of a-z, 0-9, ':', '.', '_' and '-'.");
            }

            if (roles is null || roles.Count == 0)
            {
                errors.Add($"{key} lists no roles; give at least one of: {string.Join(", ", Foundation.Auth.Roles.Hierarchy)}.");
                continue;
            }

            for (var i = 0; i < roles.Count; i++)
            {
                if (Foundation.Auth.Roles.Rank(roles[i]?.Trim() ?? string.Empty) < 0)
                {
                    errors.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{key}:{i} is '{roles[i]}', which is not a role; one of: {string.Join(", ", Foundation.Auth.Roles.Hierarchy)}."));
                }
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
