using Foundation.Auth.Storage;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Auth.Organizations;

/// <summary>
/// The role of a user in an organisation: the membership's role. One legacy case keeps accounts made before
/// organisations (or written straight to <c>auth_users</c>) working: in the user's own tenant, when no organisation row
/// exists for it at all, the roles on the user row count. Once the organisation exists, only memberships count, so a
/// removed member has no way back in.
/// </summary>
internal static class MembershipRoles
{
    /// <summary>The roles (space separated) of <paramref name="user"/> in <paramref name="organizationId"/>, or <see langword="null"/> when not a member.</summary>
    public static async Task<string?> ResolveAsync(AuthDbContext db, UserRecord user, string organizationId, CancellationToken cancellationToken)
    {
        var role = await db.OrganizationMembers.AsNoTracking()
            .Where(m => m.OrganizationId == organizationId && m.UserId == user.Id)
            .Select(m => m.Role)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (role is not null)
        {
            return role;
        }

        if (string.Equals(organizationId, user.TenantId, StringComparison.Ordinal) && user.Roles.Length > 0
            && !await db.Organizations.AsNoTracking().AnyAsync(o => o.Id == organizationId, cancellationToken).ConfigureAwait(false))
        {
            return user.Roles;
        }

        return null;
    }

    /// <summary>
    /// The organisation a new session starts in and the roles there: the user's own tenant when the user is a member of
    /// it, otherwise the organisation joined first; <see langword="null"/> when the user belongs to none.
    /// </summary>
    public static async Task<(string OrganizationId, string Roles)?> ForNewSessionAsync(AuthDbContext db, UserRecord user, CancellationToken cancellationToken)
    {
        if (await ResolveAsync(db, user, user.TenantId, cancellationToken).ConfigureAwait(false) is { } home)
        {
            return (user.TenantId, home);
        }

        var first = await db.OrganizationMembers.AsNoTracking()
            .Where(m => m.UserId == user.Id)
            .OrderBy(m => m.JoinedAt).ThenBy(m => m.OrganizationId)
            .Select(m => new { m.OrganizationId, m.Role })
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return first is null ? null : (first.OrganizationId, first.Role);
    }

    /// <summary>
    /// Adds (does not save) the membership of a newly registered user in <paramref name="tenantId"/>'s organisation,
    /// and the organisation itself when it does not exist yet, so both are written by the registration's own save.
    /// </summary>
    public static async Task AddOnRegistrationAsync(AuthDbContext db, string tenantId, Guid userId, string roles, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!await db.Organizations.AsNoTracking().AnyAsync(o => o.Id == tenantId, cancellationToken).ConfigureAwait(false))
        {
            db.Organizations.Add(new OrganizationRecord
            {
                Id = tenantId,
                Name = tenantId.Length == 0 ? "Default" : tenantId,
                Settings = "{}",
                CreatedAt = now,
                UpdatedAt = now,
            });
        }

        db.OrganizationMembers.Add(new OrganizationMemberRecord { OrganizationId = tenantId, UserId = userId, Role = roles, JoinedAt = now });
    }

    /// <summary>The rank of a stored role list: that of its highest built-in role (0 = owner); below guest when none is built in.</summary>
    public static int Rank(string roles)
    {
        var best = Foundation.Auth.Roles.Hierarchy.Count;
        foreach (var role in roles.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var rank = Foundation.Auth.Roles.Rank(role);
            if (rank >= 0 && rank < best)
            {
                best = rank;
            }
        }

        return best;
    }

    /// <summary>The role shown for a stored role list: its highest built-in role, or the list itself when none is built in.</summary>
    public static string Display(string roles)
    {
        var rank = Rank(roles);
        return rank < Foundation.Auth.Roles.Hierarchy.Count ? Foundation.Auth.Roles.Hierarchy[rank] : roles;
    }
}
