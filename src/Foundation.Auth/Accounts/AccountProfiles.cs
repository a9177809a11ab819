using Foundation.Auth.Storage;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Auth.Accounts;

/// <summary>The public view of an account in the caller's active organisation: its role there and its first team.</summary>
internal sealed class AccountProfiles(AuthDbContext db)
{
    public async Task<UserProfile?> GetProfileAsync(Guid userId, string? tenantId, CancellationToken cancellationToken)
    {
        var tenant = AccountRecords.NormalizeTenant(tenantId);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            return null;
        }

        // The tenant is the caller's active organisation: the profile shows it and the role there.
        var roles = await Organizations.MembershipRoles.ResolveAsync(db, user, tenant, cancellationToken).ConfigureAwait(false);
        if (roles is null)
        {
            return null;
        }

        var team = await db.TeamMembers.AsNoTracking()
            .Where(tm => tm.UserId == userId && db.Teams.Any(t => t.Id == tm.TeamId && t.OrganizationId == tenant))
            .OrderBy(tm => tm.AddedAt).ThenBy(tm => tm.TeamId).Select(tm => (Guid?)tm.TeamId)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return AccountRecords.ToProfile(user) with { TenantId = tenant, Roles = RoleList.Split(roles), TeamId = team };
    }
}
