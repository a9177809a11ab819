using System.Globalization;
using Foundation.Auth.Accounts;
using Foundation.Auth.Storage;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Auth.Organizations;

/// <summary>
/// Teams inside an organisation: managers and above create, rename and delete them and manage their members; a team's
/// maintainers manage its members too. A user's team in the active organisation is the <c>team</c> claim of their
/// principal (<c>ICurrentCaller.TeamId</c>): the team they were added to first there.
/// </summary>
public sealed partial class OrganizationService
{
    /// <summary>The teams of the organisation, by name. Viewers and above.</summary>
    public async Task<IReadOnlyList<TeamInfo>> ListTeamsAsync(Guid userId, string organizationId, CancellationToken cancellationToken = default)
    {
        var (organization, role) = await MembershipAsync(userId, organizationId, cancellationToken).ConfigureAwait(false);
        RequireRank(role, Foundation.Auth.Roles.Viewer, "list the teams");
        var rows = await _db.Teams.AsNoTracking().Where(t => t.OrganizationId == organization.Id)
            .Select(t => new { t.Id, t.Name, t.CreatedAt, Members = _db.TeamMembers.Count(m => m.TeamId == t.Id) })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).Select(r => new TeamInfo(r.Id, r.Name, r.CreatedAt, r.Members))];
    }

    /// <summary>Creates a team. Managers and above.</summary>
    /// <exception cref="AuthValidationException">The name is missing or too long (field <c>name</c>).</exception>
    /// <exception cref="OrganizationRefusedException">403, 404, or 409 <c>team_name_taken</c>.</exception>
    public async Task<TeamInfo> CreateTeamAsync(Guid userId, string organizationId, string? name, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var teamName = ValidateTeamName(name);
        var (organization, role) = await MembershipAsync(userId, organizationId, cancellationToken).ConfigureAwait(false);
        RequireRank(role, Foundation.Auth.Roles.Manager, "create teams");
        await EnsureTeamNameFreeAsync(organization.Id, teamName, null, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var team = new TeamRecord { Id = Guid.CreateVersion7(now), OrganizationId = organization.Id, Name = teamName, CreatedAt = now };
        _db.Teams.Add(team);
        await SaveOrConflictAsync(() => TeamNameTaken(teamName), cancellationToken).ConfigureAwait(false);
        await AuditAsync(AuditActions.TeamCreated, organization.Id, userId, "team", team.Id.ToString(), client, new(StringComparer.Ordinal) { ["name"] = teamName }, cancellationToken).ConfigureAwait(false);
        return new TeamInfo(team.Id, team.Name, team.CreatedAt, 0);
    }

    /// <summary>Renames a team. Managers and above.</summary>
    /// <exception cref="OrganizationRefusedException">403, 404, or 409 <c>team_name_taken</c>.</exception>
    public async Task<TeamInfo> RenameTeamAsync(Guid userId, string organizationId, Guid teamId, string? name, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var teamName = ValidateTeamName(name);
        var (organization, role) = await MembershipAsync(userId, organizationId, cancellationToken).ConfigureAwait(false);
        RequireRank(role, Foundation.Auth.Roles.Manager, "rename teams");
        var team = await _db.Teams.FirstOrDefaultAsync(t => t.Id == teamId && t.OrganizationId == organization.Id, cancellationToken).ConfigureAwait(false)
            ?? throw TeamNotFound();
        await EnsureTeamNameFreeAsync(organization.Id, teamName, team.Id, cancellationToken).ConfigureAwait(false);
        team.Name = teamName;
        await SaveOrConflictAsync(() => TeamNameTaken(teamName), cancellationToken).ConfigureAwait(false);
        var members = await _db.TeamMembers.CountAsync(m => m.TeamId == team.Id, cancellationToken).ConfigureAwait(false);
        await AuditAsync(AuditActions.TeamRenamed, organization.Id, userId, "team", team.Id.ToString(), client, new(StringComparer.Ordinal) { ["name"] = teamName }, cancellationToken).ConfigureAwait(false);
        return new TeamInfo(team.Id, team.Name, team.CreatedAt, members);
    }

    /// <summary>Deletes a team and its memberships. Managers and above.</summary>
    /// <exception cref="OrganizationRefusedException">403 or 404.</exception>
    public async Task DeleteTeamAsync(Guid userId, string organizationId, Guid teamId, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var (organization, role) = await MembershipAsync(userId, organizationId, cancellationToken).ConfigureAwait(false);
        RequireRank(role, Foundation.Auth.Roles.Manager, "delete teams");
        var orgId = organization.Id;
        var deleted = await _db.Teams.Where(t => t.Id == teamId && t.OrganizationId == orgId).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        if (deleted == 0)
        {
            throw TeamNotFound();
        }

        await MembershipChangedAsync(AuditActions.TeamDeleted, orgId, userId, "team", teamId.ToString(), client, new(StringComparer.Ordinal), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The members of a team. Viewers and above.</summary>
    public async Task<IReadOnlyList<TeamMemberInfo>> ListTeamMembersAsync(Guid userId, string organizationId, Guid teamId, CancellationToken cancellationToken = default)
    {
        var (organization, role) = await MembershipAsync(userId, organizationId, cancellationToken).ConfigureAwait(false);
        RequireRank(role, Foundation.Auth.Roles.Viewer, "list team members");
        var orgId = organization.Id;
        if (!await _db.Teams.AsNoTracking().AnyAsync(t => t.Id == teamId && t.OrganizationId == orgId, cancellationToken).ConfigureAwait(false))
        {
            throw TeamNotFound();
        }

        var rows = await (
            from m in _db.TeamMembers.AsNoTracking()
            join u in _db.Users.AsNoTracking() on m.UserId equals u.Id
            where m.TeamId == teamId
            select new { m.UserId, u.Email, m.Role, m.AddedAt })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.OrderBy(r => r.Email, StringComparer.OrdinalIgnoreCase).Select(r => new TeamMemberInfo(r.UserId, r.Email, r.Role, r.AddedAt))];
    }

    /// <summary>
    /// Adds a member of the organisation to the team, or changes their team role. Managers and above, and the team's maintainers.
    /// </summary>
    /// <exception cref="AuthValidationException">The role is not <c>maintainer</c> or <c>member</c> (field <c>role</c>).</exception>
    /// <exception cref="OrganizationRefusedException">403; 404 no such team, or the user is not a member of the organisation.</exception>
    public async Task<TeamMemberInfo> SetTeamMemberAsync(
        Guid userId, string organizationId, Guid teamId, Guid memberUserId, string? role, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var teamRole = ValidateTeamRole(role);
        var (organization, callerRole) = await MembershipAsync(userId, organizationId, cancellationToken).ConfigureAwait(false);
        var orgId = organization.Id;
        await RequireTeamManagerAsync(orgId, teamId, userId, callerRole, cancellationToken).ConfigureAwait(false);
        var email = await (
            from m in _db.OrganizationMembers.AsNoTracking()
            join u in _db.Users.AsNoTracking() on m.UserId equals u.Id
            where m.OrganizationId == orgId && m.UserId == memberUserId
            select u.Email).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new OrganizationRefusedException(404, OrganizationRefusalCodes.MemberNotFound, "The user is not a member of this organisation; invite them first.", "userId");

        var now = _time.GetUtcNow();
        var existing = await _db.TeamMembers.FirstOrDefaultAsync(m => m.TeamId == teamId && m.UserId == memberUserId, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            existing = new TeamMemberRecord { TeamId = teamId, UserId = memberUserId, Role = teamRole, AddedAt = now };
            _db.TeamMembers.Add(existing);
        }
        else
        {
            existing.Role = teamRole;
        }

        try
        {
            await _db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException ex)
        {
            // Two adds of one member at once: the primary key lets one through; the other changed nothing.
            _db.ChangeTracker.Clear();
            throw new OrganizationRefusedException(409, "team_member_conflict", "The team membership changed at the same moment; retry (" + ex.GetType().Name + ").");
        }

        await MembershipChangedAsync(AuditActions.TeamMemberSet, orgId, userId, "user", memberUserId.ToString(), client,
            new(StringComparer.Ordinal) { ["teamId"] = teamId.ToString(), ["role"] = teamRole }, cancellationToken).ConfigureAwait(false);
        return new TeamMemberInfo(memberUserId, email, existing.Role, existing.AddedAt);
    }

    /// <summary>Removes a member from the team: managers and above, the team's maintainers, or the member themself.</summary>
    /// <exception cref="OrganizationRefusedException">403 or 404.</exception>
    public async Task RemoveTeamMemberAsync(Guid userId, string organizationId, Guid teamId, Guid memberUserId, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var (organization, callerRole) = await MembershipAsync(userId, organizationId, cancellationToken).ConfigureAwait(false);
        var orgId = organization.Id;
        if (memberUserId != userId)
        {
            await RequireTeamManagerAsync(orgId, teamId, userId, callerRole, cancellationToken).ConfigureAwait(false);
        }
        else if (!await _db.Teams.AsNoTracking().AnyAsync(t => t.Id == teamId && t.OrganizationId == orgId, cancellationToken).ConfigureAwait(false))
        {
            throw TeamNotFound();
        }

        var removed = await _db.TeamMembers.Where(m => m.TeamId == teamId && m.UserId == memberUserId).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        if (removed == 0)
        {
            throw new OrganizationRefusedException(404, OrganizationRefusalCodes.MemberNotFound, "No such member in this team.");
        }

        await MembershipChangedAsync(AuditActions.TeamMemberRemoved, orgId, userId, "user", memberUserId.ToString(), client,
            new(StringComparer.Ordinal) { ["teamId"] = teamId.ToString() }, cancellationToken).ConfigureAwait(false);
    }

    private async Task RequireTeamManagerAsync(string organizationId, Guid teamId, Guid userId, string callerRole, CancellationToken cancellationToken)
    {
        if (!await _db.Teams.AsNoTracking().AnyAsync(t => t.Id == teamId && t.OrganizationId == organizationId, cancellationToken).ConfigureAwait(false))
        {
            throw TeamNotFound();
        }

        if (MembershipRoles.Rank(callerRole) <= Foundation.Auth.Roles.Rank(Foundation.Auth.Roles.Manager))
        {
            return;
        }

        var maintainer = await _db.TeamMembers.AsNoTracking()
            .AnyAsync(m => m.TeamId == teamId && m.UserId == userId && m.Role == TeamRoles.Maintainer, cancellationToken).ConfigureAwait(false);
        if (!maintainer)
        {
            throw new OrganizationRefusedException(403, OrganizationRefusalCodes.Forbidden,
                $"Your role '{MembershipRoles.Display(callerRole)}' may not manage this team's members; it takes 'manager' or above, or being the team's maintainer.");
        }
    }

    private async Task EnsureTeamNameFreeAsync(string organizationId, string name, Guid? exceptId, CancellationToken cancellationToken)
    {
        if (await _db.Teams.AsNoTracking().AnyAsync(t => t.OrganizationId == organizationId && t.Name == name && t.Id != exceptId, cancellationToken).ConfigureAwait(false))
        {
            throw TeamNameTaken(name);
        }
    }

    private static OrganizationRefusedException TeamNameTaken(string name) =>
        new(409, OrganizationRefusalCodes.TeamNameTaken, $"Another team of this organisation is named '{name}'; choose another name.", "name");

    private static OrganizationRefusedException TeamNotFound() =>
        new(404, OrganizationRefusalCodes.TeamNotFound, "No such team in this organisation.");

    private static string ValidateTeamName(string? name)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            throw new AuthValidationException("name", "The team name is required.");
        }

        if (trimmed.Length > OrganizationColumnLengths.TeamName)
        {
            throw new AuthValidationException("name", string.Create(CultureInfo.InvariantCulture,
                $"The team name is {trimmed.Length} characters; at most {OrganizationColumnLengths.TeamName} are allowed."));
        }

        if (trimmed.Any(char.IsControl))
        {
            throw new AuthValidationException("name", "The team name may not contain control characters.");
        }

        return trimmed;
    }

    private static string ValidateTeamRole(string? role)
    {
        var value = string.IsNullOrWhiteSpace(role) ? TeamRoles.Member : role.Trim().ToLowerInvariant();
        return value is TeamRoles.Maintainer or TeamRoles.Member
            ? value
            : throw new AuthValidationException("role", $"'{Shorten(role!)}' is not a team role; one of: maintainer, member.");
    }
}
