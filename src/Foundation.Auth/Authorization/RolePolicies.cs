using Microsoft.AspNetCore.Authorization;

namespace Foundation.Auth.Authorization;

/// <summary>
/// Authorization policies over the role hierarchy (owner &gt; admin &gt; member &gt; viewer): a policy for a role
/// admits that role and every higher one. Use them as <c>.RequireAuthorization(RolePolicies.Admin)</c>.
/// </summary>
public static class RolePolicies
{
    /// <summary>Owners only.</summary>
    public const string Owner = "foundation:role:owner";

    /// <summary>Admins and owners.</summary>
    public const string Admin = "foundation:role:admin";

    /// <summary>Members, admins and owners.</summary>
    public const string Member = "foundation:role:member";

    /// <summary>Anyone with a built-in role.</summary>
    public const string Viewer = "foundation:role:viewer";

    /// <summary>Adds the four policies to <paramref name="options"/>.</summary>
    public static AuthorizationOptions AddFoundationRolePolicies(this AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(Owner, p => p.RequireAuthenticatedUser().AddRequirements(new RoleAtLeastRequirement(Roles.Owner)));
        options.AddPolicy(Admin, p => p.RequireAuthenticatedUser().AddRequirements(new RoleAtLeastRequirement(Roles.Admin)));
        options.AddPolicy(Member, p => p.RequireAuthenticatedUser().AddRequirements(new RoleAtLeastRequirement(Roles.Member)));
        options.AddPolicy(Viewer, p => p.RequireAuthenticatedUser().AddRequirements(new RoleAtLeastRequirement(Roles.Viewer)));
        return options;
    }
}

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
