using Microsoft.AspNetCore.Authorization;

namespace Foundation.Auth.Authorization;

/// <summary>Met when the user holds <see cref="Role"/> or a role above it in <see cref="Roles.Hierarchy"/>.</summary>
/// <param name="role">The lowest role admitted.</param>
public sealed class RoleAtLeastRequirement(string role) : AuthorizationHandler<RoleAtLeastRequirement>, IAuthorizationRequirement
{
    /// <summary>The lowest role admitted.</summary>
    public string Role { get; } = role;

    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RoleAtLeastRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requirement);
        var held = context.User.FindAll(Tokens.AuthClaims.Role).Select(c => c.Value);
        if (Roles.Satisfies(held, requirement.Role))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
