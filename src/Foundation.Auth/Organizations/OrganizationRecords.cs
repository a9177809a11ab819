namespace Foundation.Auth.Storage;

/// <summary>
/// An organisation (<c>auth_organizations</c>): the tenant, made first-class. Its <see cref="Id"/> <em>is</em> the tenant id
/// every package stores (tenant id = organisation id), so everything scoped by tenant is scoped by organisation.
/// </summary>
public sealed class OrganizationRecord
{
    /// <summary>The organisation id, equal to the tenant id (the empty string is the default tenant's organisation).</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>The display name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>A short unique handle (lower-case letters, digits, <c>-</c>); <see langword="null"/> until one is set.</summary>
    public string? Slug { get; set; }

    /// <summary>The settings: a small JSON object (at most <see cref="OrganizationOptions.MaxSettingsBytes"/> bytes of UTF-8).</summary>
    public string Settings { get; set; } = "{}";

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// When it or its memberships last changed. Every membership change updates this row first in its transaction,
    /// so concurrent changes of one organisation (on any instance) are serialised by the row lock: the last-owner rule holds.
    /// </summary>
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A user's membership of an organisation (<c>auth_organization_members</c>), with the user's role in it.</summary>
public sealed class OrganizationMemberRecord
{
    /// <summary>The organisation (tenant) id.</summary>
    public string OrganizationId { get; set; } = string.Empty;

    /// <summary>The user.</summary>
    public Guid UserId { get; set; }

    /// <summary>The role in this organisation (<c>owner</c>, <c>admin</c>, <c>manager</c>, <c>member</c>, <c>viewer</c>, <c>guest</c>), space separated when several.</summary>
    public string Role { get; set; } = string.Empty;

    /// <summary>When the user joined.</summary>
    public DateTimeOffset JoinedAt { get; set; }
}

/// <summary>A team inside an organisation (<c>auth_teams</c>); a budget scope in Costing (<c>ICurrentCaller.TeamId</c> is its id).</summary>
public sealed class TeamRecord
{
    /// <summary>The team id (a version 7 GUID).</summary>
    public Guid Id { get; set; }

    /// <summary>The organisation (tenant) id.</summary>
    public string OrganizationId { get; set; } = string.Empty;

    /// <summary>The name, unique in the organisation.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A member of a team (<c>auth_team_members</c>) with the team role (<c>maintainer</c> or <c>member</c>).</summary>
public sealed class TeamMemberRecord
{
    /// <summary>The team.</summary>
    public Guid TeamId { get; set; }

    /// <summary>The user (a member of the team's organisation).</summary>
    public Guid UserId { get; set; }

    /// <summary><c>maintainer</c> (manages the team's members) or <c>member</c>.</summary>
    public string Role { get; set; } = string.Empty;

    /// <summary>When the user was added.</summary>
    public DateTimeOffset AddedAt { get; set; }
}

/// <summary>
/// An invitation to an organisation (<c>auth_invitations</c>): a single-use token delivered by e-mail, stored only as its
/// SHA-256 hash, expiring, revocable.
/// </summary>
public sealed class InvitationRecord
{
    /// <summary>The invitation id (a version 7 GUID).</summary>
    public Guid Id { get; set; }

    /// <summary>The organisation (tenant) id.</summary>
    public string OrganizationId { get; set; } = string.Empty;

    /// <summary>The address invited, as given (trimmed).</summary>
    public string Email { get; set; } = string.Empty;

    /// <summary>The address normalised like account emails.</summary>
    public string NormalizedEmail { get; set; } = string.Empty;

    /// <summary>The role the invitee gets.</summary>
    public string Role { get; set; } = string.Empty;

    /// <summary>The teams the invitee joins (as <c>member</c>), space-separated ids; empty for none.</summary>
    public string TeamIds { get; set; } = string.Empty;

    /// <summary>SHA-256 of the token, lower-case hex. Unique.</summary>
    public string TokenHash { get; set; } = string.Empty;

    /// <summary>Who invited.</summary>
    public Guid InvitedBy { get; set; }

    /// <summary>When it was made (or last resent).</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the token stops being accepted.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When it was accepted, if it was.</summary>
    public DateTimeOffset? AcceptedAt { get; set; }

    /// <summary>The account that accepted it.</summary>
    public Guid? AcceptedBy { get; set; }

    /// <summary>When it was revoked, if it was.</summary>
    public DateTimeOffset? RevokedAt { get; set; }
}
