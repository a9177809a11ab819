using Foundation.Abstractions.Authorization;
using Microsoft.AspNetCore.Authorization;

namespace Foundation.Auth.Authorization;

/// <summary>
/// Authorization policies over the role hierarchy (owner &gt; admin &gt; manager &gt; member &gt; viewer &gt; guest): a policy for a role
/// admits that role and every higher one. Use them as <c>.RequireAuthorization(RolePolicies.Admin)</c>.
/// </summary>
public static class RolePolicies
{
    /// <summary>Owners only.</summary>
    public const string Owner = FoundationPolicies.Owner;

    /// <summary>Admins and owners.</summary>
    public const string Admin = FoundationPolicies.Admin;

    /// <summary>Managers, admins and owners.</summary>
    public const string Manager = FoundationPolicies.Manager;

    /// <summary>Members, managers, admins and owners.</summary>
    public const string Member = FoundationPolicies.Member;

    /// <summary>Anyone with a built-in role except guests.</summary>
    public const string Viewer = FoundationPolicies.Viewer;

    /// <summary>Anyone with a built-in role, guests included.</summary>
    public const string Guest = FoundationPolicies.Guest;

    /// <summary>
    /// Platform operators only: signed-in users (not API keys) whose id is listed in <c>Foundation:Auth:PlatformOperators</c>
    /// (<see cref="AuthOptions.PlatformOperators"/>). Role claims play no part, so no tenant owner or admin can grant it.
    /// </summary>
    public const string PlatformOperator = FoundationPolicies.PlatformOperator;

    /// <summary>A signed-in user's session (user id and session id in the token); API keys do not satisfy it.</summary>
    public const string UserSession = FoundationPolicies.UserSession;

    /// <summary>Adds the six role policies, <see cref="UserSession"/> and <see cref="PlatformOperator"/> to <paramref name="options"/>.</summary>
    public static AuthorizationOptions AddFoundationRolePolicies(this AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(PlatformOperator, p => p.RequireAuthenticatedUser().AddRequirements(new PlatformOperatorRequirement()));
        options.AddPolicy(UserSession, p => p.RequireAuthenticatedUser().AddRequirements(new UserSessionRequirement()));
        options.AddPolicy(Owner, p => p.RequireAuthenticatedUser().AddRequirements(new RoleAtLeastRequirement(Roles.Owner)));
        options.AddPolicy(Admin, p => p.RequireAuthenticatedUser().AddRequirements(new RoleAtLeastRequirement(Roles.Admin)));
        options.AddPolicy(Manager, p => p.RequireAuthenticatedUser().AddRequirements(new RoleAtLeastRequirement(Roles.Manager)));
        options.AddPolicy(Member, p => p.RequireAuthenticatedUser().AddRequirements(new RoleAtLeastRequirement(Roles.Member)));
        options.AddPolicy(Viewer, p => p.RequireAuthenticatedUser().AddRequirements(new RoleAtLeastRequirement(Roles.Viewer)));
        options.AddPolicy(Guest, p => p.RequireAuthenticatedUser().AddRequirements(new RoleAtLeastRequirement(Roles.Guest)));
        return options;
    }
}
