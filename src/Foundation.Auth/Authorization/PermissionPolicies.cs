using System.Globalization;
using Foundation.Auth.Tokens;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.Authorization;

/// <summary>
/// Custom permissions attached to roles, as authorization policies: <c>Foundation:Auth:Permissions:{name}:{n}</c> lists the
/// roles that hold the permission <c>{name}</c> (a role includes every role below it), and each permission becomes the
/// policy <see cref="PolicyName"/>(<c>{name}</c>): <c>.RequireAuthorization(PermissionPolicies.PolicyName("reports:export"))</c>.
/// The role is the caller's role in their active organisation.
/// </summary>
public static class PermissionPolicies
{
    /// <summary>The prefix of every permission policy.</summary>
    public const string Prefix = "foundation:permission:";

    /// <summary>The policy name of the permission <paramref name="permission"/>.</summary>
    public static string PolicyName(string permission)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(permission);
        return Prefix + permission;
    }

    /// <summary>Whether <paramref name="name"/> is a valid permission name: 1 to 100 of a-z, 0-9, <c>: . _ -</c>.</summary>
    public static bool IsValidName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 100 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is ':' or '.' or '_' or '-');
}

/// <summary>Met when the caller holds one of <see cref="Roles"/> (or a role above one of them).</summary>
/// <param name="permission">The permission.</param>
/// <param name="roles">The roles that hold it.</param>
public sealed class PermissionRequirement(string permission, IReadOnlyList<string> roles) : AuthorizationHandler<PermissionRequirement>, IAuthorizationRequirement
{
    /// <summary>The permission.</summary>
    public string Permission { get; } = permission;

    /// <summary>The roles that hold it.</summary>
    public IReadOnlyList<string> Roles { get; } = roles;

    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requirement);
        var held = context.User.FindAll(AuthClaims.Role).Select(c => c.Value).ToList();
        if (requirement.Roles.Any(r => Foundation.Auth.Roles.Satisfies(held, r)))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"The permission '{Permission}' (roles: {string.Join(", ", Roles)}).");
}

/// <summary>Registers a policy per configured permission.</summary>
internal sealed class PermissionPolicySetup(IOptions<AuthOptions> auth) : IConfigureOptions<AuthorizationOptions>
{
    public void Configure(AuthorizationOptions options)
    {
        foreach (var (name, roles) in auth.Value.Permissions)
        {
            var list = roles.Select(r => r.Trim().ToLowerInvariant()).ToList();
            options.AddPolicy(PermissionPolicies.PolicyName(name), p => p.RequireAuthenticatedUser().AddRequirements(new PermissionRequirement(name, list)));
        }
    }
}

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
