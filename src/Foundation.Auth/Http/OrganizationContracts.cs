using System.Text.Json;

namespace Foundation.Auth.Http;

/// <summary><c>POST /api/v1/organizations</c>.</summary>
/// <param name="Name">The display name.</param>
/// <param name="Slug">The unique handle; derived from the name when omitted.</param>
/// <param name="Settings">A JSON object.</param>
public sealed record CreateOrganizationBody(string? Name, string? Slug, JsonElement? Settings);

/// <summary><c>PATCH /api/v1/organizations/{id}</c>; omitted fields stay.</summary>
/// <param name="Name">A new display name.</param>
/// <param name="Slug">A new slug.</param>
/// <param name="Settings">New settings (replace the object).</param>
public sealed record UpdateOrganizationBody(string? Name, string? Slug, JsonElement? Settings);

/// <summary><c>PATCH /api/v1/organizations/{id}/members/{userId}</c>.</summary>
/// <param name="Role">The new role: owner, admin, manager, member, viewer or guest.</param>
public sealed record ChangeMemberRoleBody(string? Role);

/// <summary><c>POST .../{id}/teams</c> and <c>PATCH .../{id}/teams/{teamId}</c>.</summary>
/// <param name="Name">The team name (1 to 100 characters, unique in the organisation).</param>
public sealed record TeamBody(string? Name);

/// <summary><c>PUT .../{id}/teams/{teamId}/members/{userId}</c>.</summary>
/// <param name="Role"><c>maintainer</c> or <c>member</c> (default).</param>
public sealed record TeamMemberBody(string? Role);

/// <summary><c>POST .../{id}/invitations</c>.</summary>
/// <param name="Email">The address to invite.</param>
/// <param name="Role">The role (default <c>member</c>).</param>
/// <param name="TeamIds">Teams to join.</param>
public sealed record InvitationBody(string? Email, string? Role, IReadOnlyList<Guid>? TeamIds);

/// <summary><c>POST /api/v1/invitations/accept</c>.</summary>
/// <param name="Token">The token from the invitation e-mail.</param>
/// <param name="Password">For a new account (anonymous accept): its password.</param>
public sealed record AcceptInvitationBody(string? Token, string? Password);

/// <summary><c>POST /api/v1/auth/switch-organization</c>.</summary>
/// <param name="OrganizationId">The organisation to make active (<c>~default</c> for the default tenant's).</param>
public sealed record SwitchOrganizationBody(string? OrganizationId);
