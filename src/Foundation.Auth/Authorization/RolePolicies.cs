using Foundation.Abstractions.Authorization;
using Foundation.Auth.Tokens;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

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

/// <summary>
/// Met when the caller is a platform operator: a signed-in user (not an API key) whose <c>sub</c> is listed in
/// <see cref="AuthOptions.PlatformOperators"/>. <see cref="PlatformOperatorRequirementHandler"/> (registered by <c>AddFoundationAuth</c>) checks it;
/// without the handler the requirement is never met.
/// </summary>
public sealed class PlatformOperatorRequirement : IAuthorizationRequirement
{
    /// <inheritdoc />
    public override string ToString() => "A platform operator (Foundation:Auth:PlatformOperators).";
}

/// <summary>Checks <see cref="PlatformOperatorRequirement"/> against the current <see cref="AuthOptions.PlatformOperators"/>.</summary>
public sealed class PlatformOperatorRequirementHandler : AuthorizationHandler<PlatformOperatorRequirement>
{
    private readonly IOptionsMonitor<AuthOptions> _options;

    /// <summary>Creates the handler.</summary>
    public PlatformOperatorRequirementHandler(IOptionsMonitor<AuthOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>Whether <paramref name="userId"/> is one of <paramref name="operators"/> (GUIDs compared as GUIDs, anything else ordinally).</summary>
    public static bool IsListed(IEnumerable<string> operators, string? userId)
    {
        ArgumentNullException.ThrowIfNull(operators);
        if (string.IsNullOrWhiteSpace(userId))
        {
            return false;
        }

        var isGuid = Guid.TryParse(userId, out var userGuid);
        foreach (var listed in operators)
        {
            if (string.IsNullOrWhiteSpace(listed))
            {
                continue;
            }

            if (isGuid ? Guid.TryParse(listed, out var g) && g == userGuid : string.Equals(listed.Trim(), userId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PlatformOperatorRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requirement);
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true
            && user.FindFirst(AuthClaims.ApiKeyId) is null
            && IsListed(_options.CurrentValue.PlatformOperators, user.FindFirst(AuthClaims.Subject)?.Value))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
