using System.Security.Claims;
using System.Text.Json;
using Foundation.Abstractions.Authorization;
using Foundation.Auth.Authorization;
using Foundation.Auth.Organizations;
using Foundation.Auth.Tokens;
using Foundation.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

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

/// <summary>The organisation endpoints (<c>MapFoundationOrganizationsApi</c>).</summary>
internal static class OrganizationEndpoints
{
    public static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/organizations")
            .WithTags("Organizations")
            .WithNoStore()
            .AddEndpointFilter<AuthProblemFilter>()
            .RequireAuthorization(FoundationPolicies.UserSession);

        group.MapGet("/", (ClaimsPrincipal user, OrganizationService organizations, CancellationToken ct) =>
            organizations.ListMineAsync(UserId(user), user.FindFirstValue(AuthClaims.Tenant), ct))
            .WithSummary("The organisations the caller belongs to, the active one marked.")
            .Produces<IReadOnlyList<OrganizationMembershipInfo>>();

        group.MapPost("/", async (CreateOrganizationBody body, ClaimsPrincipal user, OrganizationService organizations, HttpContext http, CancellationToken ct) =>
        {
            var created = await organizations.CreateAsync(UserId(user), new CreateOrganizationRequest(body.Name, body.Slug, body.Settings), http.GetClientInfo(), ct).ConfigureAwait(false);
            return Results.Created($"/api/v1/organizations/{Uri.EscapeDataString(created.Id)}", created);
        })
        .WithSummary("Creates an organisation; the caller becomes its owner.")
        .Produces<OrganizationInfo>(StatusCodes.Status201Created)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/{id}", (string id, ClaimsPrincipal user, OrganizationService organizations, CancellationToken ct) =>
            organizations.GetAsync(UserId(user), id, ct))
            .WithSummary("An organisation the caller belongs to.")
            .Produces<OrganizationInfo>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPatch("/{id}", (string id, UpdateOrganizationBody body, ClaimsPrincipal user, OrganizationService organizations, HttpContext http, CancellationToken ct) =>
            organizations.UpdateAsync(UserId(user), id, new UpdateOrganizationRequest(body.Name, body.Slug, body.Settings), http.GetClientInfo(), ct))
            .WithSummary("Renames the organisation, changes its slug or replaces its settings (admins and owners).")
            .Produces<OrganizationInfo>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapDelete("/{id}", async (string id, ClaimsPrincipal user, OrganizationService organizations, HttpContext http, CancellationToken ct) =>
        {
            await organizations.DeleteAsync(UserId(user), id, http.GetClientInfo(), ct).ConfigureAwait(false);
            return Results.NoContent();
        })
        .WithSummary("Deletes the organisation with its memberships, API keys and sessions (owners only).")
        .Produces(StatusCodes.Status204NoContent)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id}/members", (string id, ClaimsPrincipal user, OrganizationService organizations, CancellationToken ct) =>
            organizations.ListMembersAsync(UserId(user), id, ct))
            .WithSummary("The members and their roles (viewers and above).")
            .Produces<IReadOnlyList<OrganizationMemberInfo>>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPatch("/{id}/members/{userId:guid}", (string id, Guid userId, ChangeMemberRoleBody body, ClaimsPrincipal user, OrganizationService organizations, HttpContext http, CancellationToken ct) =>
            organizations.ChangeRoleAsync(UserId(user), id, userId, body.Role, http.GetClientInfo(), ct))
            .WithSummary("Changes a member's role (admins and owners; never above one's own; the last owner stays).")
            .Produces<OrganizationMemberInfo>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapDelete("/{id}/members/{userId:guid}", async (string id, Guid userId, ClaimsPrincipal user, OrganizationService organizations, HttpContext http, CancellationToken ct) =>
        {
            await organizations.RemoveMemberAsync(UserId(user), id, userId, http.GetClientInfo(), ct).ConfigureAwait(false);
            return Results.NoContent();
        })
        .WithSummary("Removes a member, or leaves (the last owner cannot).")
        .Produces(StatusCodes.Status204NoContent)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict);

        MapTeams(group);
        MapInvitations(group);
        return group;
    }

    private static void MapInvitations(RouteGroupBuilder group)
    {
        group.MapGet("/{id}/invitations", (string id, ClaimsPrincipal user, OrganizationService organizations, CancellationToken ct) =>
            organizations.ListInvitationsAsync(UserId(user), id, ct))
            .WithSummary("The organisation's invitations and their state (managers and above).")
            .Produces<IReadOnlyList<InvitationInfo>>();

        group.MapPost("/{id}/invitations", async (string id, InvitationBody body, ClaimsPrincipal user, OrganizationService organizations, HttpContext http, CancellationToken ct) =>
        {
            var invitation = await organizations.InviteAsync(UserId(user), id, new CreateInvitationRequest(body.Email, body.Role, body.TeamIds), http.GetClientInfo(), ct).ConfigureAwait(false);
            return Results.Created($"/api/v1/organizations/{Uri.EscapeDataString(id)}/invitations/{invitation.Id}", invitation);
        })
        .WithSummary("Invites an e-mail address with a role and optional teams; the token goes only to the address (managers and above).")
        .Produces<InvitationInfo>(StatusCodes.Status201Created)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPost("/{id}/invitations/{invitationId:guid}/resend", (string id, Guid invitationId, ClaimsPrincipal user, OrganizationService organizations, HttpContext http, CancellationToken ct) =>
            organizations.ResendInvitationAsync(UserId(user), id, invitationId, http.GetClientInfo(), ct))
            .WithSummary("Sends a pending invitation again with a new token and expiry.")
            .Produces<InvitationInfo>()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status410Gone);

        group.MapDelete("/{id}/invitations/{invitationId:guid}", async (string id, Guid invitationId, ClaimsPrincipal user, OrganizationService organizations, HttpContext http, CancellationToken ct) =>
        {
            await organizations.RevokeInvitationAsync(UserId(user), id, invitationId, http.GetClientInfo(), ct).ConfigureAwait(false);
            return Results.NoContent();
        })
        .WithSummary("Revokes a pending invitation.")
        .Produces(StatusCodes.Status204NoContent)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status410Gone);
    }

    /// <summary><c>POST /api/v1/invitations/accept</c>: anonymous (creates the account) or signed in (adds the membership).</summary>
    public static RouteHandlerBuilder MapAccept(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/api/v1/invitations/accept", async (AcceptInvitationBody body, ClaimsPrincipal user, OrganizationService organizations, HttpContext http, CancellationToken ct) =>
        {
            Guid? caller = UserSessionRequirement.TryGetSession(user, out var userId, out _) ? userId : null;
            var accepted = await organizations.AcceptInvitationAsync(body.Token, caller, body.Password, http.GetClientInfo(), ct).ConfigureAwait(false);
            return accepted.AccountCreated ? Results.Created("/api/v1/auth/me", accepted) : Results.Ok(accepted);
        })
        .WithTags("Organizations")
        .WithNoStore()
        .AddEndpointFilter<AuthProblemFilter>()
        .WithSummary("Accepts an invitation once: signed in, the account joins; anonymous, a new account is made in the organisation.")
        .Produces<AcceptedInvitation>()
        .Produces<AcceptedInvitation>(StatusCodes.Status201Created)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status410Gone)
        .AllowAnonymous();

    private static void MapTeams(RouteGroupBuilder group)
    {
        group.MapGet("/{id}/teams", (string id, ClaimsPrincipal user, OrganizationService organizations, CancellationToken ct) =>
            organizations.ListTeamsAsync(UserId(user), id, ct))
            .WithSummary("The organisation's teams (viewers and above).")
            .Produces<IReadOnlyList<TeamInfo>>();

        group.MapPost("/{id}/teams", async (string id, TeamBody body, ClaimsPrincipal user, OrganizationService organizations, HttpContext http, CancellationToken ct) =>
        {
            var team = await organizations.CreateTeamAsync(UserId(user), id, body.Name, http.GetClientInfo(), ct).ConfigureAwait(false);
            return Results.Created($"/api/v1/organizations/{Uri.EscapeDataString(id)}/teams/{team.Id}", team);
        })
        .WithSummary("Creates a team (managers and above).")
        .Produces<TeamInfo>(StatusCodes.Status201Created)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPatch("/{id}/teams/{teamId:guid}", (string id, Guid teamId, TeamBody body, ClaimsPrincipal user, OrganizationService organizations, HttpContext http, CancellationToken ct) =>
            organizations.RenameTeamAsync(UserId(user), id, teamId, body.Name, http.GetClientInfo(), ct))
            .WithSummary("Renames a team (managers and above).")
            .Produces<TeamInfo>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapDelete("/{id}/teams/{teamId:guid}", async (string id, Guid teamId, ClaimsPrincipal user, OrganizationService organizations, HttpContext http, CancellationToken ct) =>
        {
            await organizations.DeleteTeamAsync(UserId(user), id, teamId, http.GetClientInfo(), ct).ConfigureAwait(false);
            return Results.NoContent();
        })
        .WithSummary("Deletes a team (managers and above).")
        .Produces(StatusCodes.Status204NoContent)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id}/teams/{teamId:guid}/members", (string id, Guid teamId, ClaimsPrincipal user, OrganizationService organizations, CancellationToken ct) =>
            organizations.ListTeamMembersAsync(UserId(user), id, teamId, ct))
            .WithSummary("A team's members and their team roles (viewers and above).")
            .Produces<IReadOnlyList<TeamMemberInfo>>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPut("/{id}/teams/{teamId:guid}/members/{userId:guid}", (string id, Guid teamId, Guid userId, TeamMemberBody body, ClaimsPrincipal user, OrganizationService organizations, HttpContext http, CancellationToken ct) =>
            organizations.SetTeamMemberAsync(UserId(user), id, teamId, userId, body.Role, http.GetClientInfo(), ct))
            .WithSummary("Adds a member of the organisation to the team or changes their team role (managers and above, the team's maintainers).")
            .Produces<TeamMemberInfo>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("/{id}/teams/{teamId:guid}/members/{userId:guid}", async (string id, Guid teamId, Guid userId, ClaimsPrincipal user, OrganizationService organizations, HttpContext http, CancellationToken ct) =>
        {
            await organizations.RemoveTeamMemberAsync(UserId(user), id, teamId, userId, http.GetClientInfo(), ct).ConfigureAwait(false);
            return Results.NoContent();
        })
        .WithSummary("Removes a member from the team (managers and above, the team's maintainers, the member themself).")
        .Produces(StatusCodes.Status204NoContent)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary><c>POST /api/v1/auth/switch-organization</c>: a new token pair of the same session, active in the organisation.</summary>
    public static RouteHandlerBuilder MapSwitch(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/api/v1/auth/switch-organization", async (SwitchOrganizationBody body, ClaimsPrincipal user, OrganizationService organizations, TimeProvider time, HttpContext http, CancellationToken ct) =>
        {
            var (userId, sessionId) = AuthEndpointRouteBuilderExtensions.Session(user);
            var tokens = await organizations.SwitchAsync(userId, sessionId, body.OrganizationId, http.GetClientInfo(), ct).ConfigureAwait(false);
            return Results.Ok(TokenResponse.From(tokens, time.GetUtcNow()));
        })
        .WithTags("Auth")
        .WithNoStore()
        .AddEndpointFilter<AuthProblemFilter>()
        .WithSummary("Makes another organisation of the caller active: a new token pair of the same session.")
        .Produces<TokenResponse>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .RequireAuthorization(FoundationPolicies.UserSession);

    private static Guid UserId(ClaimsPrincipal user) => AuthEndpointRouteBuilderExtensions.Session(user).UserId;
}
