using System.Text.Json;

namespace Foundation.Auth.Organizations;

/// <summary>
/// Organisation ids as the API shows them. An organisation's id is its tenant id; the default tenant's is the empty
/// string, which no URL path can carry, so the API spells it <see cref="DefaultAlias"/> (<c>~default</c>: <c>~</c> is
/// outside the tenant-id alphabet, so no real tenant can collide with it).
/// </summary>
public static class OrganizationIds
{
    /// <summary>How the API spells the default tenant's organisation.</summary>
    public const string DefaultAlias = "~default";

    /// <summary>The API id of the organisation whose tenant id is <paramref name="tenantId"/>.</summary>
    public static string ToApi(string tenantId) => string.IsNullOrEmpty(tenantId) ? DefaultAlias : tenantId;

    /// <summary>The tenant id of the API id <paramref name="apiId"/>, or <see langword="null"/> when it cannot be one.</summary>
    public static string? FromApi(string? apiId)
    {
        if (string.Equals(apiId, DefaultAlias, StringComparison.Ordinal))
        {
            return string.Empty;
        }

        return !string.IsNullOrEmpty(apiId) && apiId.Length <= 64 && apiId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') ? apiId : null;
    }
}

/// <summary>An organisation the caller belongs to.</summary>
/// <param name="Id">The organisation id (its tenant id; <c>~default</c> for the default tenant).</param>
/// <param name="Name">The display name.</param>
/// <param name="Slug">The unique handle, if set.</param>
/// <param name="Role">The caller's role in it.</param>
/// <param name="IsActive">Whether it is the active organisation of the caller's session.</param>
public sealed record OrganizationMembershipInfo(string Id, string Name, string? Slug, string Role, bool IsActive);

/// <summary>An organisation.</summary>
/// <param name="Id">The organisation id (its tenant id; <c>~default</c> for the default tenant).</param>
/// <param name="TenantId">The tenant id every package stores (empty for the default tenant).</param>
/// <param name="Name">The display name.</param>
/// <param name="Slug">The unique handle, if set.</param>
/// <param name="Settings">The settings object.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="Role">The caller's role in it.</param>
public sealed record OrganizationInfo(string Id, string TenantId, string Name, string? Slug, JsonElement Settings, DateTimeOffset CreatedAt, string Role);

/// <summary>A member of an organisation.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Email">The user's email.</param>
/// <param name="Role">The role in the organisation.</param>
/// <param name="JoinedAt">When the user joined.</param>
public sealed record OrganizationMemberInfo(Guid UserId, string Email, string Role, DateTimeOffset JoinedAt);

/// <summary>A new organisation; the creator becomes its owner.</summary>
/// <param name="Name">The display name (1 to 200 characters).</param>
/// <param name="Slug">The unique handle (2 to 64 of a-z, 0-9 and '-'); derived from the name when omitted.</param>
/// <param name="Settings">A JSON object (at most <c>Foundation:Auth:Organizations:MaxSettingsBytes</c>); empty when omitted.</param>
public sealed record CreateOrganizationRequest(string? Name, string? Slug = null, JsonElement? Settings = null);

/// <summary>Changes to an organisation; omitted fields stay as they are.</summary>
/// <param name="Name">A new display name.</param>
/// <param name="Slug">A new slug.</param>
/// <param name="Settings">New settings (replacing the old object).</param>
public sealed record UpdateOrganizationRequest(string? Name = null, string? Slug = null, JsonElement? Settings = null);

/// <summary>A team of an organisation.</summary>
/// <param name="Id">The team id (the caller's <c>ICurrentCaller.TeamId</c> and Costing's team budget scope).</param>
/// <param name="Name">The name, unique in the organisation.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="MemberCount">How many members it has.</param>
public sealed record TeamInfo(Guid Id, string Name, DateTimeOffset CreatedAt, int MemberCount);

/// <summary>A member of a team.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Email">The user's email.</param>
/// <param name="Role"><c>maintainer</c> or <c>member</c>.</param>
/// <param name="AddedAt">When the user was added.</param>
public sealed record TeamMemberInfo(Guid UserId, string Email, string Role, DateTimeOffset AddedAt);

/// <summary>The team roles.</summary>
public static class TeamRoles
{
    /// <summary>Manages the team's members.</summary>
    public const string Maintainer = "maintainer";

    /// <summary>A member of the team.</summary>
    public const string Member = "member";
}

/// <summary>A new invitation.</summary>
/// <param name="Email">The address to invite.</param>
/// <param name="Role">The role the invitee gets (default <c>member</c>; never above the inviter's).</param>
/// <param name="TeamIds">Teams of the organisation the invitee joins as <c>member</c> (at most 20).</param>
public sealed record CreateInvitationRequest(string? Email, string? Role = null, IReadOnlyList<Guid>? TeamIds = null);

/// <summary>An invitation (never its token).</summary>
/// <param name="Id">The invitation id.</param>
/// <param name="Email">The address invited.</param>
/// <param name="Role">The role offered.</param>
/// <param name="TeamIds">The teams offered.</param>
/// <param name="Status"><c>pending</c>, <c>accepted</c>, <c>revoked</c> or <c>expired</c>.</param>
/// <param name="CreatedAt">When it was made or last resent.</param>
/// <param name="ExpiresAt">When its token stops working.</param>
/// <param name="AcceptedAt">When it was accepted.</param>
public sealed record InvitationInfo(Guid Id, string Email, string Role, IReadOnlyList<Guid> TeamIds, string Status, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? AcceptedAt);

/// <summary>An accepted invitation.</summary>
/// <param name="OrganizationId">The organisation joined (API id).</param>
/// <param name="TenantId">Its tenant id: the <c>tenant</c> to sign in to with a new account.</param>
/// <param name="UserId">The member's account.</param>
/// <param name="Email">The address.</param>
/// <param name="Role">The role in the organisation.</param>
/// <param name="AccountCreated">Whether a new account was made (sign in with <c>tenant</c> = <paramref name="TenantId"/>).</param>
public sealed record AcceptedInvitation(string OrganizationId, string TenantId, Guid UserId, string Email, string Role, bool AccountCreated);
