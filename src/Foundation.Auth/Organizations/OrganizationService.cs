using System.Globalization;
using System.Text;
using System.Text.Json;
using Foundation.Auditing;
using Foundation.Auth.Accounts;
using Foundation.Auth.ApiKeys;
using Foundation.Auth.Passwords;
using Foundation.Auth.Sessions;
using Foundation.Auth.Storage;
using Foundation.Auth.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.Organizations;

/// <summary>
/// Organisations (the tenants, first-class) and their memberships: create, list, rename, settings, delete; members and
/// their roles; switching a session's active organisation. Every command is one transaction, every change is audited
/// (<c>organization.*</c>). A caller who is not a member of an organisation gets "not found", never a hint that it exists.
/// </summary>
public sealed partial class OrganizationService
{
    /// <summary>The audit actions.</summary>
    public static class AuditActions
    {
        /// <summary>An organisation was created.</summary>
        public const string Created = "organization.created";

        /// <summary>Its name, slug or settings changed.</summary>
        public const string Updated = "organization.updated";

        /// <summary>It was deleted.</summary>
        public const string Deleted = "organization.deleted";

        /// <summary>A member's role changed.</summary>
        public const string MemberRoleChanged = "organization.member.role_changed";

        /// <summary>A member was removed (or left).</summary>
        public const string MemberRemoved = "organization.member.removed";

        /// <summary>A session switched its active organisation.</summary>
        public const string Switched = "organization.switched";

        /// <summary>An invitation was created (and sent).</summary>
        public const string InvitationCreated = "organization.invitation.created";

        /// <summary>An invitation was sent again with a new token.</summary>
        public const string InvitationResent = "organization.invitation.resent";

        /// <summary>An invitation was revoked.</summary>
        public const string InvitationRevoked = "organization.invitation.revoked";

        /// <summary>An invitation was accepted: a membership (and maybe an account) was created.</summary>
        public const string InvitationAccepted = "organization.invitation.accepted";

        /// <summary>A team was created.</summary>
        public const string TeamCreated = "organization.team.created";

        /// <summary>A team was renamed.</summary>
        public const string TeamRenamed = "organization.team.renamed";

        /// <summary>A team was deleted.</summary>
        public const string TeamDeleted = "organization.team.deleted";

        /// <summary>A member was added to a team or their team role changed.</summary>
        public const string TeamMemberSet = "organization.team.member_set";

        /// <summary>A member was removed from a team.</summary>
        public const string TeamMemberRemoved = "organization.team.member_removed";
    }

    private const int MaxNameLength = OrganizationColumnLengths.Name;
    private const int MaxTeamsPerInvitation = 20;

    private readonly AuthDbContext _db;
    private readonly IAccessTokenService _tokens;
    private readonly IAuditEventWriter _audit;
    private readonly TimeProvider _time;
    private readonly AuthOptions _options;
    private readonly SessionValidationCache _sessionCache;
    private readonly ApiKeyValidationCache _apiKeyCache;
    private readonly IEnumerable<IOrganizationDeletionHandler> _deletionHandlers;
    private readonly IPasswordHasher? _hasher;
    private readonly IPasswordPolicy? _passwordPolicy;
    private readonly Foundation.Email.IEmailSender? _emailSender;

    /// <summary>Creates the service.</summary>
    internal OrganizationService(
        AuthDbContext db,
        IAccessTokenService tokens,
        IAuditEventWriter audit,
        TimeProvider time,
        IOptions<AuthOptions> options,
        SessionValidationCache sessionCache,
        ApiKeyValidationCache apiKeyCache,
        IEnumerable<IOrganizationDeletionHandler> deletionHandlers,
        IPasswordHasher? hasher = null,
        IPasswordPolicy? passwordPolicy = null,
        Foundation.Email.IEmailSender? emailSender = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _db = db;
        _tokens = tokens;
        _audit = audit;
        _time = time;
        _options = options.Value;
        _sessionCache = sessionCache;
        _apiKeyCache = apiKeyCache;
        _deletionHandlers = deletionHandlers;
        _hasher = hasher;
        _passwordPolicy = passwordPolicy;
        _emailSender = emailSender;
    }

    /// <summary>The organisations <paramref name="userId"/> belongs to, by name; <paramref name="activeTenantId"/> is marked active.</summary>
    public async Task<IReadOnlyList<OrganizationMembershipInfo>> ListMineAsync(Guid userId, string? activeTenantId, CancellationToken cancellationToken = default)
    {
        var rows = await (
            from m in _db.OrganizationMembers.AsNoTracking()
            join o in _db.Organizations.AsNoTracking() on m.OrganizationId equals o.Id
            where m.UserId == userId
            select new { o.Id, o.Name, o.Slug, m.Role })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var active = activeTenantId ?? string.Empty;
        return [.. rows
            .OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.Id, StringComparer.Ordinal)
            .Select(r => new OrganizationMembershipInfo(OrganizationIds.ToApi(r.Id), r.Name, r.Slug, MembershipRoles.Display(r.Role), string.Equals(r.Id, active, StringComparison.Ordinal)))];
    }

    /// <summary>Creates an organisation; <paramref name="userId"/> becomes its owner. Its id is a new version 7 GUID (32 hex digits).</summary>
    /// <exception cref="AuthValidationException">The name, slug or settings are unacceptable (the field is named).</exception>
    /// <exception cref="OrganizationRefusedException">409: the slug is taken, or the user created too many organisations.</exception>
    public async Task<OrganizationInfo> CreateAsync(Guid userId, CreateOrganizationRequest request, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        var name = ValidateName(request.Name) ?? throw new AuthValidationException("name", "The name is required.");
        var slug = request.Slug is null ? DeriveSlug(name) : ValidateSlug(request.Slug);
        var settings = request.Settings is { } s ? ValidateSettings(s) : "{}";
        if (!await _db.Users.AsNoTracking().AnyAsync(u => u.Id == userId, cancellationToken).ConfigureAwait(false))
        {
            throw new AuthenticationFailedException("The account no longer exists.");
        }

        var owned = await _db.OrganizationMembers.AsNoTracking()
            .CountAsync(m => m.UserId == userId && m.Role == Foundation.Auth.Roles.Owner, cancellationToken).ConfigureAwait(false);
        if (owned >= _options.Organizations.MaxOrganizationsPerUser)
        {
            throw new OrganizationRefusedException(409, OrganizationRefusalCodes.TooManyOrganizations, string.Create(CultureInfo.InvariantCulture,
                $"You already own {owned} organisations, the most allowed (Foundation:Auth:Organizations:MaxOrganizationsPerUser); delete one first."));
        }

        await EnsureSlugFreeAsync(slug, null, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var organization = new OrganizationRecord
        {
            Id = Guid.CreateVersion7(now).ToString("N"),
            Name = name,
            Slug = slug,
            Settings = settings,
            CreatedAt = now,
            UpdatedAt = now,
        };
        _db.Organizations.Add(organization);
        _db.OrganizationMembers.Add(new OrganizationMemberRecord { OrganizationId = organization.Id, UserId = userId, Role = Foundation.Auth.Roles.Owner, JoinedAt = now });
        await SaveOrConflictAsync(() => SlugTaken(slug), cancellationToken).ConfigureAwait(false);
        await AuditAsync(AuditActions.Created, organization.Id, userId, "organization", organization.Id, client, new(StringComparer.Ordinal) { ["name"] = name, ["slug"] = slug }, cancellationToken).ConfigureAwait(false);
        return ToInfo(organization, Foundation.Auth.Roles.Owner);
    }

    /// <summary>The organisation <paramref name="organizationId"/> (API id), if <paramref name="userId"/> is a member.</summary>
    /// <exception cref="OrganizationRefusedException">404: no such organisation, or not a member.</exception>
    public async Task<OrganizationInfo> GetAsync(Guid userId, string organizationId, CancellationToken cancellationToken = default)
    {
        var (organization, role) = await MembershipAsync(userId, organizationId, cancellationToken).ConfigureAwait(false);
        return ToInfo(organization, role);
    }

    /// <summary>Renames the organisation, changes its slug or replaces its settings. Admins and owners.</summary>
    /// <exception cref="AuthValidationException">A field is unacceptable (named).</exception>
    /// <exception cref="OrganizationRefusedException">403 below admin; 404 not a member; 409 slug taken.</exception>
    public async Task<OrganizationInfo> UpdateAsync(Guid userId, string organizationId, UpdateOrganizationRequest request, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        var name = request.Name is null ? null : ValidateName(request.Name) ?? throw new AuthValidationException("name", "The name may not be empty.");
        var slug = request.Slug is null ? null : ValidateSlug(request.Slug);
        var settings = request.Settings is { } s ? ValidateSettings(s) : null;
        var (organization, role) = await MembershipAsync(userId, organizationId, cancellationToken).ConfigureAwait(false);
        RequireRank(role, Foundation.Auth.Roles.Admin, "change the organisation");
        if (slug is not null && !string.Equals(slug, organization.Slug, StringComparison.Ordinal))
        {
            await EnsureSlugFreeAsync(slug, organization.Id, cancellationToken).ConfigureAwait(false);
        }

        var tracked = await _db.Organizations.FirstAsync(o => o.Id == organization.Id, cancellationToken).ConfigureAwait(false);
        tracked.Name = name ?? tracked.Name;
        tracked.Slug = slug ?? tracked.Slug;
        tracked.Settings = settings ?? tracked.Settings;
        tracked.UpdatedAt = _time.GetUtcNow();
        await SaveOrConflictAsync(() => SlugTaken(slug ?? string.Empty), cancellationToken).ConfigureAwait(false);
        var changed = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (name is not null)
        {
            changed["name"] = name;
        }

        if (slug is not null)
        {
            changed["slug"] = slug;
        }

        if (settings is not null)
        {
            changed["settings"] = "replaced";
        }

        await AuditAsync(AuditActions.Updated, tracked.Id, userId, "organization", tracked.Id, client, changed, cancellationToken).ConfigureAwait(false);
        return ToInfo(tracked, role);
    }

    /// <summary>
    /// Deletes the organisation: owners only. First every <see cref="IOrganizationDeletionHandler"/> erases its data
    /// (one that throws stops the deletion, nothing of Auth's is touched); then, in one transaction, the organisation's
    /// sessions are revoked, its API keys and memberships deleted, and the organisation removed.
    /// </summary>
    /// <exception cref="OrganizationRefusedException">403 not an owner; 404 not a member.</exception>
    public async Task DeleteAsync(Guid userId, string organizationId, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var (organization, role) = await MembershipAsync(userId, organizationId, cancellationToken).ConfigureAwait(false);
        RequireRank(role, Foundation.Auth.Roles.Owner, "delete the organisation");
        foreach (var handler in _deletionHandlers)
        {
            await handler.OnOrganizationDeletingAsync(organization.Id, cancellationToken).ConfigureAwait(false);
        }

        var id = organization.Id;
        var now = _time.GetUtcNow();
        var strategy = _db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async ct =>
        {
            var transaction = await _db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var scope = transaction.ConfigureAwait(false);
            await _db.Sessions.Where(s => s.TenantId == id && s.RevokedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, now).SetProperty(s => s.RevokedReason, "organization-deleted"), ct).ConfigureAwait(false);
            await _db.ApiKeys.Where(k => k.TenantId == id).ExecuteDeleteAsync(ct).ConfigureAwait(false);

            // Accounts whose own tenant this was keep existing (they may belong elsewhere) but lose their legacy roles there.
            await _db.Users.Where(u => u.TenantId == id).ExecuteUpdateAsync(u => u.SetProperty(x => x.Roles, string.Empty), ct).ConfigureAwait(false);
            await _db.OrganizationMembers.Where(m => m.OrganizationId == id).ExecuteDeleteAsync(ct).ConfigureAwait(false);
            await _db.Organizations.Where(o => o.Id == id).ExecuteDeleteAsync(ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);

        await MembershipChangedAsync(AuditActions.Deleted, id, userId, "organization", id, client, new(StringComparer.Ordinal) { ["name"] = organization.Name }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The members of the organisation. Viewers and above.</summary>
    /// <exception cref="OrganizationRefusedException">403 for guests; 404 not a member.</exception>
    public async Task<IReadOnlyList<OrganizationMemberInfo>> ListMembersAsync(Guid userId, string organizationId, CancellationToken cancellationToken = default)
    {
        var (organization, role) = await MembershipAsync(userId, organizationId, cancellationToken).ConfigureAwait(false);
        RequireRank(role, Foundation.Auth.Roles.Viewer, "list the members");
        var rows = await (
            from m in _db.OrganizationMembers.AsNoTracking()
            join u in _db.Users.AsNoTracking() on m.UserId equals u.Id
            where m.OrganizationId == organization.Id
            select new { m.UserId, u.Email, m.Role, m.JoinedAt })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.OrderBy(r => MembershipRoles.Rank(r.Role)).ThenBy(r => r.Email, StringComparer.OrdinalIgnoreCase)
            .Select(r => new OrganizationMemberInfo(r.UserId, r.Email, MembershipRoles.Display(r.Role), r.JoinedAt))];
    }

    /// <summary>
    /// Changes a member's role. Admins and owners; nobody gives a role above their own or changes a member above them;
    /// the last owner cannot be demoted. Serialised per organisation in the database, so this holds across instances.
    /// The pending invitations the member sent that the new role could not send (any, below manager; those offering a role
    /// above the new one) are revoked with the change.
    /// </summary>
    /// <exception cref="AuthValidationException">The role is not a built-in role (field <c>role</c>).</exception>
    /// <exception cref="OrganizationRefusedException">403, 404, or 409 <c>last_owner</c>.</exception>
    public async Task<OrganizationMemberInfo> ChangeRoleAsync(
        Guid userId, string organizationId, Guid memberUserId, string? role, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var newRole = ValidateRole(role);
        var (organization, _) = await MembershipAsync(userId, organizationId, cancellationToken).ConfigureAwait(false);
        var id = organization.Id;
        var (previous, member) = await InOrganizationTransactionAsync(id, async ct =>
        {
            var callerRole = await RoleOfAsync(id, userId, ct).ConfigureAwait(false) ?? throw NotFound();
            RequireRank(callerRole, Foundation.Auth.Roles.Admin, "change roles");
            var target = await _db.OrganizationMembers.FirstOrDefaultAsync(m => m.OrganizationId == id && m.UserId == memberUserId, ct).ConfigureAwait(false)
                ?? throw new OrganizationRefusedException(404, OrganizationRefusalCodes.MemberNotFound, "No such member in this organisation.");
            var callerRank = MembershipRoles.Rank(callerRole);
            if (Foundation.Auth.Roles.Rank(newRole) < callerRank)
            {
                throw new OrganizationRefusedException(403, OrganizationRefusalCodes.RoleAboveOwn,
                    $"You cannot give the role '{newRole}': it is above your own role '{MembershipRoles.Display(callerRole)}'.", "role");
            }

            if (MembershipRoles.Rank(target.Role) < callerRank)
            {
                throw new OrganizationRefusedException(403, OrganizationRefusalCodes.RoleAboveOwn,
                    $"You cannot change the role of a member whose role '{MembershipRoles.Display(target.Role)}' is above your own.");
            }

            var old = target.Role;
            if (MembershipRoles.Rank(old) == 0 && !string.Equals(newRole, Foundation.Auth.Roles.Owner, StringComparison.Ordinal))
            {
                await EnsureAnotherOwnerAsync(id, memberUserId, "demoted", ct).ConfigureAwait(false);
            }

            target.Role = newRole;
            await SyncHomeRolesAsync(id, memberUserId, newRole, ct).ConfigureAwait(false);
            await _db.SaveChangesAsync(ct).ConfigureAwait(false);
            await RevokeInvitationsBeyondAsync(id, memberUserId, newRole, ct).ConfigureAwait(false);
            var email = await _db.Users.AsNoTracking().Where(u => u.Id == memberUserId).Select(u => u.Email).FirstAsync(ct).ConfigureAwait(false);
            return (old, new OrganizationMemberInfo(memberUserId, email, newRole, target.JoinedAt));
        }, cancellationToken).ConfigureAwait(false);

        await MembershipChangedAsync(AuditActions.MemberRoleChanged, id, userId, "user", memberUserId.ToString(), client,
            new(StringComparer.Ordinal) { ["from"] = MembershipRoles.Display(previous), ["to"] = newRole }, cancellationToken).ConfigureAwait(false);
        return member;
    }

    /// <summary>
    /// Removes a member: anyone may leave; admins and owners remove members not above them. The last owner cannot
    /// leave or be removed. The member's sessions in the organisation are revoked, and so are the invitations they sent
    /// that are still pending.
    /// </summary>
    /// <exception cref="OrganizationRefusedException">403, 404, or 409 <c>last_owner</c>.</exception>
    public async Task RemoveMemberAsync(Guid userId, string organizationId, Guid memberUserId, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var (organization, _) = await MembershipAsync(userId, organizationId, cancellationToken).ConfigureAwait(false);
        var id = organization.Id;
        var now = _time.GetUtcNow();
        var removedRole = await InOrganizationTransactionAsync(id, async ct =>
        {
            var callerRole = await RoleOfAsync(id, userId, ct).ConfigureAwait(false) ?? throw NotFound();
            var target = await _db.OrganizationMembers.FirstOrDefaultAsync(m => m.OrganizationId == id && m.UserId == memberUserId, ct).ConfigureAwait(false)
                ?? throw new OrganizationRefusedException(404, OrganizationRefusalCodes.MemberNotFound, "No such member in this organisation.");
            if (memberUserId != userId)
            {
                RequireRank(callerRole, Foundation.Auth.Roles.Admin, "remove members");
                if (MembershipRoles.Rank(target.Role) < MembershipRoles.Rank(callerRole))
                {
                    throw new OrganizationRefusedException(403, OrganizationRefusalCodes.RoleAboveOwn,
                        $"You cannot remove a member whose role '{MembershipRoles.Display(target.Role)}' is above your own.");
                }
            }

            if (MembershipRoles.Rank(target.Role) == 0)
            {
                await EnsureAnotherOwnerAsync(id, memberUserId, memberUserId == userId ? "leave" : "removed", ct).ConfigureAwait(false);
            }

            _db.OrganizationMembers.Remove(target);
            await _db.TeamMembers.Where(tm => tm.UserId == memberUserId && _db.Teams.Any(t => t.Id == tm.TeamId && t.OrganizationId == id))
                .ExecuteDeleteAsync(ct).ConfigureAwait(false);
            await SyncHomeRolesAsync(id, memberUserId, string.Empty, ct).ConfigureAwait(false);
            await _db.SaveChangesAsync(ct).ConfigureAwait(false);
            await RevokeInvitationsBeyondAsync(id, memberUserId, null, ct).ConfigureAwait(false);
            await _db.Sessions.Where(s => s.UserId == memberUserId && s.TenantId == id && s.RevokedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, now).SetProperty(s => s.RevokedReason, "membership-removed"), ct).ConfigureAwait(false);
            return target.Role;
        }, cancellationToken).ConfigureAwait(false);

        await MembershipChangedAsync(AuditActions.MemberRemoved, id, userId, "user", memberUserId.ToString(), client,
            new(StringComparer.Ordinal) { ["role"] = MembershipRoles.Display(removedRole), ["left"] = memberUserId == userId ? "true" : "false" }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Makes <paramref name="organizationId"/> the active organisation of the session and answers a new token pair of the
    /// same session (its tenant and the role of the membership there). The session keeps it across refreshes; the
    /// previous refresh token is retired as by a rotation (a retry within the reuse interval still gets a pair).
    /// </summary>
    /// <exception cref="AuthValidationException">No organisation id (field <c>organizationId</c>).</exception>
    /// <exception cref="OrganizationRefusedException">404: no such organisation, or not a member.</exception>
    /// <exception cref="AuthenticationFailedException">The session has ended.</exception>
    public async Task<TokenPair> SwitchAsync(Guid userId, Guid sessionId, string? organizationId, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (string.IsNullOrWhiteSpace(organizationId))
        {
            throw new AuthValidationException("organizationId", "The organisation id is required.");
        }

        var tenant = OrganizationIds.FromApi(organizationId.Trim()) ?? throw NotFound();
        var user = await _db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken).ConfigureAwait(false)
            ?? throw new AuthenticationFailedException("The account no longer exists.");
        var roles = await MembershipRoles.ResolveAsync(_db, user, tenant, cancellationToken).ConfigureAwait(false) ?? throw NotFound();

        var now = _time.GetUtcNow();
        var interval = _options.Tokens.RefreshReuseInterval;
        DateTimeOffset? reuseUntil = interval > TimeSpan.Zero ? now + interval : null;
        var strategy = _db.Database.CreateExecutionStrategy();
        var issued = await strategy.ExecuteAsync(async ct =>
        {
            var transaction = await _db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var scope = transaction.ConfigureAwait(false);
            var (refresh, record) = RefreshTokens.Create(sessionId, now, TimeSpan.FromDays(_options.Tokens.RefreshTokenDays));
            var live = await _db.Sessions.Where(s => s.Id == sessionId && s.UserId == userId && s.RevokedAt == null && s.ExpiresAt > now)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.TenantId, tenant).SetProperty(s => s.LastSeenAt, now).SetProperty(s => s.ExpiresAt, record.ExpiresAt), ct)
                .ConfigureAwait(false);
            if (live == 0)
            {
                await transaction.RollbackAsync(ct).ConfigureAwait(false);
                return null;
            }

            await _db.RefreshTokens.Where(t => t.SessionId == sessionId && t.UsedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(t => t.UsedAt, now).SetProperty(t => t.ReuseAllowedUntil, reuseUntil), ct).ConfigureAwait(false);
            _db.RefreshTokens.Add(record);
            await _db.SaveChangesAsync(ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return new { refresh, record.ExpiresAt };
        }, cancellationToken).ConfigureAwait(false);
        _db.ChangeTracker.Clear();
        if (issued is null)
        {
            throw new AuthenticationFailedException("The current session has ended; sign in again.");
        }

        _sessionCache.Invalidate(sessionId);
        var secondFactorAt = await _db.Sessions.AsNoTracking().Where(s => s.Id == sessionId).Select(s => s.SecondFactorVerifiedAt).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        var access = await _tokens.IssueAsync(
            new AccessTokenRequest(user.Id, tenant, RoleList.Split(roles), sessionId, user.SecurityStamp, user.Email, secondFactorAt),
            cancellationToken).ConfigureAwait(false);
        await AuditAsync(AuditActions.Switched, tenant, userId, "session", sessionId.ToString(), client, new(StringComparer.Ordinal) { ["organizationId"] = OrganizationIds.ToApi(tenant) }, cancellationToken).ConfigureAwait(false);
        return new TokenPair(access.Token, access.ExpiresAt, issued.refresh, issued.ExpiresAt, sessionId);
    }

    private async Task<(OrganizationRecord Organization, string Role)> MembershipAsync(Guid userId, string organizationId, CancellationToken cancellationToken)
    {
        var tenant = OrganizationIds.FromApi(organizationId) ?? throw NotFound();
        var row = await (
            from o in _db.Organizations.AsNoTracking()
            join m in _db.OrganizationMembers.AsNoTracking() on o.Id equals m.OrganizationId
            where o.Id == tenant && m.UserId == userId
            select new { Organization = o, m.Role })
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return row is null ? throw NotFound() : (row.Organization, row.Role);
    }

    private Task<string?> RoleOfAsync(string organizationId, Guid userId, CancellationToken cancellationToken) =>
        _db.OrganizationMembers.AsNoTracking().Where(m => m.OrganizationId == organizationId && m.UserId == userId)
            .Select(m => m.Role).FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction that first updates the organisation's row: concurrent membership
    /// changes of one organisation wait for each other (row lock on PostgreSQL, the write lock on SQLite), so each sees
    /// the other's result (two owners demoting each other at once cannot leave none).
    /// </summary>
    private async Task<T> InOrganizationTransactionAsync<T>(string organizationId, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        var strategy = _db.Database.CreateExecutionStrategy();
        try
        {
            return await strategy.ExecuteAsync(async ct =>
            {
                var transaction = await _db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
                await using var scope = transaction.ConfigureAwait(false);
                var now = _time.GetUtcNow();
                var touched = await _db.Organizations.Where(o => o.Id == organizationId)
                    .ExecuteUpdateAsync(u => u.SetProperty(o => o.UpdatedAt, now), ct).ConfigureAwait(false);
                if (touched == 0)
                {
                    throw NotFound();
                }

                var result = await work(ct).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return result;
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// Revokes the pending invitations <paramref name="inviterId"/> made in the organisation that they could not make any
    /// more: all of them when they left or hold a role below <c>manager</c> (<paramref name="role"/> null: removed), otherwise
    /// those offering a role above <paramref name="role"/>. Run in the transaction of the removal or the role change, so an
    /// invitation is never accepted with more than its inviter holds: a removed or demoted admin cannot come back (or bring
    /// someone in) through invitations sent before.
    /// </summary>
    private async Task RevokeInvitationsBeyondAsync(string organizationId, Guid inviterId, string? role, CancellationToken cancellationToken)
    {
        var pending = await _db.Invitations.AsNoTracking()
            .Where(i => i.OrganizationId == organizationId && i.InvitedBy == inviterId && i.AcceptedAt == null && i.RevokedAt == null)
            .Select(i => new { i.Id, i.Role }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var rank = role is null ? int.MaxValue : MembershipRoles.Rank(role);
        var mayInvite = rank <= Foundation.Auth.Roles.Rank(Foundation.Auth.Roles.Manager);
        var beyond = pending.Where(i => !mayInvite || MembershipRoles.Rank(i.Role) < rank).Select(i => i.Id).ToList();
        if (beyond.Count > 0)
        {
            var now = _time.GetUtcNow();
            await _db.Invitations.Where(i => beyond.Contains(i.Id) && i.AcceptedAt == null && i.RevokedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.RevokedAt, now), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task EnsureAnotherOwnerAsync(string organizationId, Guid memberUserId, string verb, CancellationToken cancellationToken)
    {
        var owners = await _db.OrganizationMembers.AsNoTracking()
            .Where(m => m.OrganizationId == organizationId && m.UserId != memberUserId)
            .Select(m => m.Role).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (!owners.Any(r => MembershipRoles.Rank(r) == 0))
        {
            var what = string.Equals(verb, "leave", StringComparison.Ordinal) ? "cannot leave" : "cannot be " + verb;
            throw new OrganizationRefusedException(409, OrganizationRefusalCodes.LastOwner,
                $"The last owner of the organisation {what}: make another member an owner first.", "role");
        }
    }

    /// <summary>Keeps the roles on the user row (the legacy source) equal to the membership in the user's own tenant.</summary>
    private Task<int> SyncHomeRolesAsync(string organizationId, Guid memberUserId, string roles, CancellationToken cancellationToken) =>
        _db.Users.Where(u => u.Id == memberUserId && u.TenantId == organizationId)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.Roles, roles), cancellationToken);

    private async Task EnsureSlugFreeAsync(string slug, string? exceptId, CancellationToken cancellationToken)
    {
        if (await _db.Organizations.AsNoTracking().AnyAsync(o => o.Slug == slug && o.Id != exceptId, cancellationToken).ConfigureAwait(false))
        {
            throw SlugTaken(slug);
        }
    }

    /// <summary>
    /// Saves; a unique index that refuses the save (two requests taking one slug or one team name at once) becomes
    /// <paramref name="conflict"/>'s 409, with nothing written.
    /// </summary>
    private async Task SaveOrConflictAsync(Func<OrganizationRefusedException> conflict, CancellationToken cancellationToken)
    {
        try
        {
            await _db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException ex)
        {
            _db.ChangeTracker.Clear();
            var refusal = conflict();
            throw new OrganizationRefusedException(refusal.StatusCode, refusal.Code, refusal.Message + " (" + ex.GetType().Name + ")", refusal.Field);
        }
    }

    /// <summary>
    /// The tail of every command that changed who is where with which role: the session and API-key caches forget what
    /// they read (here, and on the other instances through the invalidation bus), then the change is audited.
    /// </summary>
    private ValueTask MembershipChangedAsync(
        string action, string tenantId, Guid actor, string targetType, string targetId, ClientInfo client, Dictionary<string, string?> data, CancellationToken cancellationToken)
    {
        _sessionCache.InvalidateAll();
        _apiKeyCache.InvalidateAll();
        return AuditAsync(action, tenantId, actor, targetType, targetId, client, data, cancellationToken);
    }

    private static OrganizationRefusedException SlugTaken(string slug) =>
        new(409, OrganizationRefusalCodes.SlugTaken, $"The slug '{slug}' is taken by another organisation; choose another.", "slug");

    private static OrganizationRefusedException NotFound() =>
        new(404, OrganizationRefusalCodes.OrganizationNotFound, "No such organisation, or you are not a member of it.");

    private static void RequireRank(string held, string required, string what)
    {
        if (MembershipRoles.Rank(held) > Foundation.Auth.Roles.Rank(required))
        {
            throw new OrganizationRefusedException(403, OrganizationRefusalCodes.Forbidden,
                $"Your role '{MembershipRoles.Display(held)}' may not {what}; it takes '{required}' or above.");
        }
    }

    internal static string ValidateRole(string? role)
    {
        var value = role?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(value))
        {
            throw new AuthValidationException("role", "The role is required; one of: " + string.Join(", ", Foundation.Auth.Roles.Hierarchy) + ".");
        }

        if (Foundation.Auth.Roles.Rank(value) < 0)
        {
            throw new AuthValidationException("role", $"'{Shorten(role!)}' is not a role; one of: " + string.Join(", ", Foundation.Auth.Roles.Hierarchy) + ".");
        }

        return value;
    }

    private static string? ValidateName(string? name)
    {
        if (name is null)
        {
            return null;
        }

        var trimmed = name.Trim();
        if (trimmed.Length == 0)
        {
            return null;
        }

        if (trimmed.Length > MaxNameLength)
        {
            throw new AuthValidationException("name", string.Create(CultureInfo.InvariantCulture, $"The name is {trimmed.Length} characters; at most {MaxNameLength} are allowed."));
        }

        if (trimmed.Any(char.IsControl))
        {
            throw new AuthValidationException("name", "The name may not contain control characters.");
        }

        return trimmed;
    }

    private static string ValidateSlug(string slug)
    {
        var value = slug.Trim();
        if (value.Length is < 2 or > OrganizationColumnLengths.Slug
            || !value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            || value[0] == '-' || value[^1] == '-')
        {
            throw new AuthValidationException("slug", string.Create(CultureInfo.InvariantCulture,
                $"The slug '{Shorten(value)}' is not valid: 2 to {OrganizationColumnLengths.Slug} characters of a-z, 0-9 and '-', not starting or ending with '-'."));
        }

        return value;
    }

    private static string DeriveSlug(string name)
    {
        var builder = new StringBuilder(OrganizationColumnLengths.Slug);
        foreach (var c in name.Normalize(NormalizationForm.FormKD).ToLowerInvariant())
        {
            if (builder.Length >= OrganizationColumnLengths.Slug)
            {
                break;
            }

            if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c))
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != '-' && (char.IsWhiteSpace(c) || c is '-' or '_' or '.'))
            {
                builder.Append('-');
            }
        }

        var slug = builder.ToString().Trim('-');
        if (slug.Length < 2)
        {
            throw new AuthValidationException("slug", "No slug can be derived from this name; give one (2 to 64 characters of a-z, 0-9 and '-').");
        }

        return slug;
    }

    private string ValidateSettings(JsonElement settings)
    {
        if (settings.ValueKind != JsonValueKind.Object)
        {
            throw new AuthValidationException("settings", $"The settings must be a JSON object, not {settings.ValueKind.ToString().ToLowerInvariant()}.");
        }

        var text = settings.GetRawText();
        var bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes > _options.Organizations.MaxSettingsBytes)
        {
            throw new AuthValidationException("settings", string.Create(CultureInfo.InvariantCulture,
                $"The settings are {bytes} bytes; at most {_options.Organizations.MaxSettingsBytes} are allowed (Foundation:Auth:Organizations:MaxSettingsBytes)."));
        }

        return text;
    }

    private static string Shorten(string value) => value.Length > 40 ? value[..40] + "..." : value;

    private static OrganizationInfo ToInfo(OrganizationRecord organization, string role)
    {
        using var document = JsonDocument.Parse(organization.Settings);
        return new OrganizationInfo(OrganizationIds.ToApi(organization.Id), organization.Id, organization.Name, organization.Slug,
            document.RootElement.Clone(), organization.CreatedAt, MembershipRoles.Display(role));
    }

    private ValueTask AuditAsync(
        string action, string tenantId, Guid actor, string targetType, string targetId, ClientInfo client, Dictionary<string, string?> data, CancellationToken cancellationToken) =>
        _audit.WriteAsync(
            new AuditEvent(action, AuditOutcome.Success)
            {
                OccurredAt = _time.GetUtcNow(),
                ActorUserId = actor.ToString(),
                TenantId = string.IsNullOrEmpty(tenantId) ? null : tenantId,
                TargetType = targetType,
                TargetId = targetId,
                RequestId = client.RequestId,
                IpAddress = client.IpAddress,
                Data = new Dictionary<string, string?>(data, StringComparer.Ordinal),
            },
            cancellationToken);
}
