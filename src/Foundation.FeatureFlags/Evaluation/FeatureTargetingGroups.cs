using System.Globalization;
using Foundation.Callers;

namespace Foundation.FeatureFlags;

/// <summary>
/// The targeting groups a caller belongs to, as Microsoft.FeatureManagement's targeting filter sees them: <c>org:{tenantId}</c>,
/// <c>team:{teamId}</c> and <c>role:{role}</c> (roles in lower case). A flag declared in configuration (the <c>FeatureManagement</c>
/// section) targets organisations, teams or roles by naming these groups in its <c>Audience:Groups</c>.
/// </summary>
public static class FeatureTargetingGroups
{
    /// <summary>The prefix of an organisation's group.</summary>
    public const string OrganizationPrefix = "org:";

    /// <summary>The prefix of a team's group.</summary>
    public const string TeamPrefix = "team:";

    /// <summary>The prefix of a role's group.</summary>
    public const string RolePrefix = "role:";

    /// <summary>The group of the organisation (tenant) <paramref name="tenantId"/>.</summary>
    public static string Organization(string tenantId) => OrganizationPrefix + tenantId;

    /// <summary>The group of the team <paramref name="teamId"/>.</summary>
    public static string Team(string teamId) => TeamPrefix + teamId;

    /// <summary>The group of the role <paramref name="role"/> (lower-cased, so <c>Admin</c> and <c>admin</c> are one group).</summary>
    public static string Role(string role)
    {
        ArgumentNullException.ThrowIfNull(role);
        return RolePrefix + role.ToLower(CultureInfo.InvariantCulture);
    }

    /// <summary>The groups of <paramref name="caller"/>: its organisation, its team and each of its roles.</summary>
    public static IReadOnlyList<string> Of(ICurrentCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var groups = new List<string>(4);
        if (caller.TenantId is { Length: > 0 } tenant)
        {
            groups.Add(Organization(tenant));
        }

        if (caller.TeamId is { Length: > 0 } team)
        {
            groups.Add(Team(team));
        }

        foreach (var role in caller.Roles)
        {
            if (!string.IsNullOrWhiteSpace(role))
            {
                groups.Add(Role(role));
            }
        }

        return groups;
    }
}
