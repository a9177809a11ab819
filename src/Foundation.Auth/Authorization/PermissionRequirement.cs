using System.Globalization;
using Foundation.Auth.Tokens;
using Microsoft.AspNetCore.Authorization;

namespace Foundation.Auth.Authorization;

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
