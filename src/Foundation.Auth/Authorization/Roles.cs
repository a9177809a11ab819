namespace Foundation.Auth;

/// <summary>
/// The built-in roles, highest first: <c>owner</c> &gt; <c>admin</c> &gt; <c>manager</c> &gt; <c>member</c> &gt; <c>viewer</c> &gt; <c>guest</c>.
/// A role includes every role below it. A user holds one role per organisation (its membership).
/// </summary>
public static class Roles
{
    /// <summary>Owns the tenant: everything an admin can do, plus billing and ownership.</summary>
    public const string Owner = "owner";

    /// <summary>Administers the tenant's users and settings.</summary>
    public const string Admin = "admin";

    /// <summary>Manages the organisation's teams (creates them, adds and removes their members) and invites members; below admin.</summary>
    public const string Manager = "manager";

    /// <summary>A regular user.</summary>
    public const string Member = "member";

    /// <summary>Read-only access.</summary>
    public const string Viewer = "viewer";

    /// <summary>
    /// Below viewer: access only to what is shared with them. Satisfies no built-in role policy except
    /// <see cref="Authorization.RolePolicies.Guest"/>; endpoints that share something with guests say so explicitly.
    /// </summary>
    public const string Guest = "guest";

    /// <summary>
    /// Runs the deployment for every tenant (changes the global price catalog, for example). Not a tenant role and outside the hierarchy:
    /// it is granted only by <see cref="AuthOptions.PlatformOperators"/> and checked by <see cref="Authorization.RolePolicies.PlatformOperator"/>,
    /// never by a role claim, so no tenant owner can grant it. A tenant role of this name is refused at start (<see cref="AuthOptions.DefaultRoles"/>).
    /// </summary>
    public const string PlatformOperator = "platform-operator";

    /// <summary>The hierarchy, highest first.</summary>
    public static IReadOnlyList<string> Hierarchy { get; } = [Owner, Admin, Manager, Member, Viewer, Guest];

    /// <summary>The rank of <paramref name="role"/> (0 = owner), or -1 when it is not a built-in role.</summary>
    public static int Rank(string role)
    {
        for (var i = 0; i < Hierarchy.Count; i++)
        {
            if (string.Equals(Hierarchy[i], role, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Whether someone holding <paramref name="heldRoles"/> satisfies <paramref name="requiredRole"/> (directly or by a higher role).</summary>
    public static bool Satisfies(IEnumerable<string> heldRoles, string requiredRole)
    {
        ArgumentNullException.ThrowIfNull(heldRoles);
        ArgumentNullException.ThrowIfNull(requiredRole);
        var required = Rank(requiredRole);
        foreach (var held in heldRoles)
        {
            if (string.Equals(held, requiredRole, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            var rank = Rank(held);
            if (required >= 0 && rank >= 0 && rank <= required)
            {
                return true;
            }
        }

        return false;
    }
}
