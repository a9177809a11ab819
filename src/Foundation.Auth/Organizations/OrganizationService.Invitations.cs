using System.Globalization;
using System.Security.Cryptography;
using Foundation.Auth.Accounts;
using Foundation.Auth.Storage;
using Foundation.Email;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Auth.Organizations;

/// <summary>
/// Invitations: owners, admins and managers invite an e-mail address with a role (never above their own) and optional
/// teams. The token (256 random bits) is delivered by <see cref="IEmailSender"/> and stored only as its SHA-256 hash; it
/// expires (<see cref="OrganizationOptions.InvitationLifetime"/>) and is accepted once. The invitation is written only if
/// the e-mail was handed to the sender.
/// </summary>
public sealed partial class OrganizationService
{
    /// <summary>Invites <paramref name="request"/>'s address. Managers and above.</summary>
    /// <exception cref="AuthValidationException">The email, role or a team id is unacceptable (the field is named).</exception>
    /// <exception cref="OrganizationRefusedException">403 (role above own, below manager); 404; 409 <c>already_member</c>; 503 no e-mail sender or delivery failed.</exception>
    public async Task<InvitationInfo> InviteAsync(Guid userId, string organizationId, CreateInvitationRequest request, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        var (email, normalizedEmail) = EmailAddress.Validate(request.Email);
        var role = ValidateRole(request.Role ?? Foundation.Auth.Roles.Member);
        var (organization, callerRole) = await MembershipAsync(userId, organizationId, cancellationToken).ConfigureAwait(false);
        RequireRank(callerRole, Foundation.Auth.Roles.Manager, "invite members");
        if (Foundation.Auth.Roles.Rank(role) < MembershipRoles.Rank(callerRole))
        {
            throw new OrganizationRefusedException(403, OrganizationRefusalCodes.RoleAboveOwn,
                $"You cannot invite with the role '{role}': it is above your own role '{MembershipRoles.Display(callerRole)}'.", "role");
        }

        var orgId = organization.Id;
        var teamIds = await ValidateTeamIdsAsync(orgId, request.TeamIds, cancellationToken).ConfigureAwait(false);
        var alreadyMember = await (
            from m in _db.OrganizationMembers.AsNoTracking()
            join u in _db.Users.AsNoTracking() on m.UserId equals u.Id
            where m.OrganizationId == orgId && u.NormalizedEmail == normalizedEmail
            select m.UserId).AnyAsync(cancellationToken).ConfigureAwait(false);
        if (alreadyMember)
        {
            throw new OrganizationRefusedException(409, OrganizationRefusalCodes.AlreadyMember, $"'{email}' is already a member of this organisation.", "email");
        }

        var now = _time.GetUtcNow();
        var (token, hash) = NewInvitationToken();
        var invitation = new InvitationRecord
        {
            Id = Guid.CreateVersion7(now),
            OrganizationId = orgId,
            Email = email,
            NormalizedEmail = normalizedEmail,
            Role = role,
            TeamIds = string.Join(' ', teamIds),
            TokenHash = hash,
            InvitedBy = userId,
            CreatedAt = now,
            ExpiresAt = now + _options.Organizations.InvitationLifetime,
        };

        await InTransactionWithMailAsync(async ct =>
        {
            // A new invitation of the same address replaces a pending one: one live token per address and organisation.
            await _db.Invitations.Where(i => i.OrganizationId == orgId && i.NormalizedEmail == normalizedEmail && i.AcceptedAt == null && i.RevokedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.RevokedAt, now), ct).ConfigureAwait(false);
            _db.Invitations.Add(invitation);
            await _db.SaveChangesAsync(ct).ConfigureAwait(false);
        }, InvitationMessage(invitation, organization.Name, token), cancellationToken).ConfigureAwait(false);

        await AuditAsync(AuditActions.InvitationCreated, orgId, userId, "invitation", invitation.Id.ToString(), client,
            new(StringComparer.Ordinal) { ["role"] = role, ["teams"] = teamIds.Count.ToString(CultureInfo.InvariantCulture) }, cancellationToken).ConfigureAwait(false);
        return ToInvitationInfo(invitation, now);
    }

    /// <summary>The organisation's invitations, newest first, with their state. Managers and above.</summary>
    public async Task<IReadOnlyList<InvitationInfo>> ListInvitationsAsync(Guid userId, string organizationId, CancellationToken cancellationToken = default)
    {
        var (organization, callerRole) = await MembershipAsync(userId, organizationId, cancellationToken).ConfigureAwait(false);
        RequireRank(callerRole, Foundation.Auth.Roles.Manager, "list invitations");
        var rows = await _db.Invitations.AsNoTracking().Where(i => i.OrganizationId == organization.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        return [.. rows.OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id).Select(i => ToInvitationInfo(i, now))];
    }

    /// <summary>Sends a pending invitation again with a new token and a new expiry (the old token stops working). Managers and above.</summary>
    /// <exception cref="OrganizationRefusedException">404; 409 accepted; 410 revoked; 503 e-mail.</exception>
    public async Task<InvitationInfo> ResendInvitationAsync(Guid userId, string organizationId, Guid invitationId, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var (organization, callerRole) = await MembershipAsync(userId, organizationId, cancellationToken).ConfigureAwait(false);
        RequireRank(callerRole, Foundation.Auth.Roles.Manager, "resend invitations");
        var orgId = organization.Id;
        var invitation = await _db.Invitations.AsNoTracking().FirstOrDefaultAsync(i => i.Id == invitationId && i.OrganizationId == orgId, cancellationToken).ConfigureAwait(false)
            ?? throw InvitationNotFound();
        ThrowIfSettled(invitation);

        var now = _time.GetUtcNow();
        var (token, hash) = NewInvitationToken();
        var expires = now + _options.Organizations.InvitationLifetime;
        await InTransactionWithMailAsync(async ct =>
        {
            var changed = await _db.Invitations.Where(i => i.Id == invitationId && i.AcceptedAt == null && i.RevokedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.TokenHash, hash).SetProperty(i => i.ExpiresAt, expires).SetProperty(i => i.CreatedAt, now), ct)
                .ConfigureAwait(false);
            if (changed == 0)
            {
                throw new OrganizationRefusedException(409, OrganizationRefusalCodes.InvitationAccepted, "The invitation was accepted or revoked meanwhile.");
            }
        }, InvitationMessage(invitation, organization.Name, token), cancellationToken).ConfigureAwait(false);

        invitation.TokenHash = hash;
        invitation.ExpiresAt = expires;
        invitation.CreatedAt = now;
        await AuditAsync(AuditActions.InvitationResent, orgId, userId, "invitation", invitationId.ToString(), client, new(StringComparer.Ordinal), cancellationToken).ConfigureAwait(false);
        return ToInvitationInfo(invitation, now);
    }

    /// <summary>Revokes a pending invitation: its token stops working. Managers and above.</summary>
    /// <exception cref="OrganizationRefusedException">404; 409 already accepted; 410 already revoked.</exception>
    public async Task RevokeInvitationAsync(Guid userId, string organizationId, Guid invitationId, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var (organization, callerRole) = await MembershipAsync(userId, organizationId, cancellationToken).ConfigureAwait(false);
        RequireRank(callerRole, Foundation.Auth.Roles.Manager, "revoke invitations");
        var orgId = organization.Id;
        var now = _time.GetUtcNow();
        var revoked = await _db.Invitations.Where(i => i.Id == invitationId && i.OrganizationId == orgId && i.AcceptedAt == null && i.RevokedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.RevokedAt, now), cancellationToken).ConfigureAwait(false);
        if (revoked == 0)
        {
            var invitation = await _db.Invitations.AsNoTracking().FirstOrDefaultAsync(i => i.Id == invitationId && i.OrganizationId == orgId, cancellationToken).ConfigureAwait(false)
                ?? throw InvitationNotFound();
            ThrowIfSettled(invitation);
        }

        await AuditAsync(AuditActions.InvitationRevoked, orgId, userId, "invitation", invitationId.ToString(), client, new(StringComparer.Ordinal), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Accepts an invitation, once. A signed-in caller (<paramref name="callerUserId"/>) whose account has the invited
    /// address joins with the invited role and teams. Anonymous: a new account is made in the organisation (its tenant)
    /// with <paramref name="password"/>, and joins; the person then signs in to the organisation. Of concurrent accepts of
    /// one token (on any instance) exactly one succeeds: the claim is a conditional UPDATE in the same transaction.
    /// </summary>
    /// <exception cref="AuthValidationException">No token, or (anonymous) no or a weak password (field named).</exception>
    /// <exception cref="OrganizationRefusedException">
    /// 404 unknown token; 409 already accepted or the account is already a member or exists (sign in to accept); 410 expired
    /// or revoked; 403 signed in with another address.
    /// </exception>
    public async Task<AcceptedInvitation> AcceptInvitationAsync(string? token, Guid? callerUserId, string? password, ClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!RefreshTokens.TryHash(token, out var hash))
        {
            throw new AuthValidationException("token", "The invitation token is missing or malformed; use the token from the invitation e-mail.");
        }

        var invitation = await _db.Invitations.AsNoTracking().FirstOrDefaultAsync(i => i.TokenHash == hash, cancellationToken).ConfigureAwait(false)
            ?? throw InvitationNotFound();
        ThrowIfSettled(invitation);
        var now = _time.GetUtcNow();
        if (invitation.ExpiresAt <= now)
        {
            throw new OrganizationRefusedException(410, OrganizationRefusalCodes.InvitationExpired,
                "The invitation has expired; ask the organisation to send it again.");
        }

        UserRecord? existing = null;
        if (callerUserId is { } callerId)
        {
            existing = await _db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == callerId, cancellationToken).ConfigureAwait(false)
                ?? throw new AuthenticationFailedException("The account no longer exists.");
            if (!string.Equals(existing.NormalizedEmail, invitation.NormalizedEmail, StringComparison.Ordinal))
            {
                throw new OrganizationRefusedException(403, OrganizationRefusalCodes.InvitationForAnotherAddress,
                    "The invitation was sent to another e-mail address; sign in with that address's account, or accept without signing in to create one.");
            }
        }
        else
        {
            if (_hasher is null || _passwordPolicy is null)
            {
                throw new InvalidOperationException("OrganizationService needs IPasswordHasher and IPasswordPolicy to create accounts from invitations.");
            }

            if (string.IsNullOrEmpty(password))
            {
                throw new AuthValidationException("password", "A password is required to create the account; or sign in first to accept with an existing account.");
            }

            var verdict = _passwordPolicy.Validate(password, invitation.Email);
            if (!verdict.Succeeded)
            {
                throw new AuthValidationException("password", string.Join(" ", verdict.Errors.Select(e => e.Message)), verdict.Errors);
            }

            if (await _db.Users.AsNoTracking().AnyAsync(u => u.TenantId == invitation.OrganizationId && u.NormalizedEmail == invitation.NormalizedEmail, cancellationToken).ConfigureAwait(false))
            {
                throw new OrganizationRefusedException(409, OrganizationRefusalCodes.AccountExists,
                    "An account with this address already exists in the organisation; sign in and accept the invitation while signed in.");
            }
        }

        var teamIds = invitation.TeamIds.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t => Guid.Parse(t)).ToList();
        var strategy = _db.Database.CreateExecutionStrategy();
        Guid memberId;
        try
        {
            memberId = await strategy.ExecuteAsync(async ct =>
            {
                var transaction = await _db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
                await using var scope = transaction.ConfigureAwait(false);
                var user = existing;
                if (user is null)
                {
                    user = new UserRecord
                    {
                        Id = Guid.CreateVersion7(now),
                        TenantId = invitation.OrganizationId,
                        Email = invitation.Email,
                        NormalizedEmail = invitation.NormalizedEmail,
                        PasswordHash = _hasher!.Hash(password!),
                        Status = UserStatus.Active,
                        Roles = invitation.Role,
                        SecurityStamp = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)),
                        CreatedAt = now,

                        // The invitation's token was mailed to this address, so accepting it proves the address is theirs
                        // (with RequireConfirmedEmail on, the new member can sign in at once).
                        EmailConfirmedAt = now,
                    };
                    _db.Users.Add(user);
                }

                // The single point of decision: of concurrent accepts exactly one claims the invitation.
                var claimed = await _db.Invitations
                    .Where(i => i.Id == invitation.Id && i.TokenHash == hash && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
                    .ExecuteUpdateAsync(u => u.SetProperty(i => i.AcceptedAt, now).SetProperty(i => i.AcceptedBy, user.Id), ct).ConfigureAwait(false);
                if (claimed == 0)
                {
                    throw new OrganizationRefusedException(409, OrganizationRefusalCodes.InvitationAccepted, "The invitation was already accepted.");
                }

                if (await _db.OrganizationMembers.AnyAsync(m => m.OrganizationId == invitation.OrganizationId && m.UserId == user.Id, ct).ConfigureAwait(false))
                {
                    throw new OrganizationRefusedException(409, OrganizationRefusalCodes.AlreadyMember, "You are already a member of this organisation.");
                }

                _db.OrganizationMembers.Add(new OrganizationMemberRecord { OrganizationId = invitation.OrganizationId, UserId = user.Id, Role = invitation.Role, JoinedAt = now });
                var liveTeams = await _db.Teams.Where(t => t.OrganizationId == invitation.OrganizationId && teamIds.Contains(t.Id)).Select(t => t.Id).ToListAsync(ct).ConfigureAwait(false);
                foreach (var teamId in liveTeams)
                {
                    _db.TeamMembers.Add(new TeamMemberRecord { TeamId = teamId, UserId = user.Id, Role = TeamRoles.Member, AddedAt = now });
                }

                await _db.SaveChangesAsync(ct).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return user.Id;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException ex)
        {
            // A concurrent registration took the address in this tenant, or a concurrent accept won.
            throw new OrganizationRefusedException(409, OrganizationRefusalCodes.InvitationAccepted, "The invitation was already accepted (" + ex.GetType().Name + ").");
        }
        finally
        {
            _db.ChangeTracker.Clear();
        }

        await MembershipChangedAsync(AuditActions.InvitationAccepted, invitation.OrganizationId, memberId, "invitation", invitation.Id.ToString(), client,
            new(StringComparer.Ordinal) { ["role"] = invitation.Role, ["newAccount"] = existing is null ? "true" : "false" }, cancellationToken).ConfigureAwait(false);
        return new AcceptedInvitation(OrganizationIds.ToApi(invitation.OrganizationId), invitation.OrganizationId, memberId, invitation.Email, invitation.Role, existing is null);
    }

    private async Task<List<Guid>> ValidateTeamIdsAsync(string organizationId, IReadOnlyList<Guid>? teamIds, CancellationToken cancellationToken)
    {
        var ids = (teamIds ?? []).Distinct().ToList();
        if (ids.Count > MaxTeamsPerInvitation)
        {
            throw new AuthValidationException("teamIds", string.Create(CultureInfo.InvariantCulture, $"At most {MaxTeamsPerInvitation} teams per invitation."));
        }

        if (ids.Count == 0)
        {
            return ids;
        }

        var found = await _db.Teams.AsNoTracking().Where(t => t.OrganizationId == organizationId && ids.Contains(t.Id)).Select(t => t.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        var missing = ids.Except(found).ToList();
        if (missing.Count > 0)
        {
            throw new AuthValidationException("teamIds", $"No team {missing[0]} in this organisation.");
        }

        return ids;
    }

    /// <summary>Runs <paramref name="write"/> in a transaction, hands <paramref name="message"/> to the sender, then commits: no invitation without its e-mail.</summary>
    private async Task InTransactionWithMailAsync(Func<CancellationToken, Task> write, EmailMessage message, CancellationToken cancellationToken)
    {
        var sender = _emailSender ?? throw new OrganizationRefusedException(503, OrganizationRefusalCodes.EmailUnavailable,
            "Invitations cannot be sent: no e-mail sender is configured on this server (register an IEmailSender, such as Foundation.Email's).");
        var strategy = _db.Database.CreateExecutionStrategy();
        try
        {
            await strategy.ExecuteAsync(async ct =>
            {
                var transaction = await _db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
                await using var scope = transaction.ConfigureAwait(false);
                await write(ct).ConfigureAwait(false);
                try
                {
                    await sender.SendAsync(message, ct).ConfigureAwait(false);
                }
                catch (EmailDeliveryException ex)
                {
                    throw new OrganizationRefusedException(503, OrganizationRefusalCodes.EmailUnavailable,
                        "The invitation e-mail could not be delivered; nothing was saved. Try again later (" + ex.GetType().Name + ").");
                }

                await transaction.CommitAsync(ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _db.ChangeTracker.Clear();
        }
    }

    private EmailMessage InvitationMessage(InvitationRecord invitation, string organizationName, string token)
    {
        var expires = invitation.ExpiresAt.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var how = _options.Organizations.InvitationAcceptUrl is { } url
            ? $"Accept it here: {url}?token={token}"
            : $"To accept it, send POST /api/v1/invitations/accept with the token {token}";
        var text = $"You are invited to join {organizationName} as {invitation.Role}.\n\n{how}\n\nThe invitation can be used once and expires at {expires}. If you did not expect it, ignore this e-mail.\n";
        return new EmailMessage(invitation.Email, $"You are invited to join {organizationName}", text, null, "invitation");
    }

    private static (string Token, string Hash) NewInvitationToken()
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (token, RefreshTokens.Hash(token));
    }

    private static void ThrowIfSettled(InvitationRecord invitation)
    {
        if (invitation.AcceptedAt is not null)
        {
            throw new OrganizationRefusedException(409, OrganizationRefusalCodes.InvitationAccepted, "The invitation was already accepted; it can be used once.");
        }

        if (invitation.RevokedAt is not null)
        {
            throw new OrganizationRefusedException(410, OrganizationRefusalCodes.InvitationRevoked, "The invitation was revoked; ask the organisation for a new one.");
        }
    }

    private static OrganizationRefusedException InvitationNotFound() =>
        new(404, OrganizationRefusalCodes.InvitationNotFound, "No such invitation; check the link or ask the organisation to send it again.");

    private static InvitationInfo ToInvitationInfo(InvitationRecord i, DateTimeOffset now)
    {
        var state = i.AcceptedAt is not null ? "accepted" : i.RevokedAt is not null ? "revoked" : i.ExpiresAt <= now ? "expired" : "pending";
        var teams = i.TeamIds.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t => Guid.Parse(t)).ToList();
        return new InvitationInfo(i.Id, i.Email, i.Role, teams, state, i.CreatedAt, i.ExpiresAt, i.AcceptedAt);
    }
}
