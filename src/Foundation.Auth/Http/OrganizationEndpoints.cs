using System.Security.Claims;
using Foundation.Abstractions.Authorization;
using Foundation.Auth.Accounts;
using Foundation.Auth.Authorization;
using Foundation.Auth.Organizations;
using Foundation.Auth.Tokens;
using Foundation.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Foundation.Auth.Http;

/// <summary>
/// What every organisation handler takes besides its route values and body: the signed-in caller, the service, the request
/// (for the client's address and agent, which the audit records) and its cancellation. Bound with <see cref="AsParametersAttribute"/>.
/// </summary>
/// <param name="User">The caller's principal (a user session: the group requires it).</param>
/// <param name="Organizations">The service.</param>
/// <param name="Http">The request.</param>
/// <param name="Cancellation">The request's cancellation.</param>
internal sealed record OrganizationCall(ClaimsPrincipal User, OrganizationService Organizations, HttpContext Http, CancellationToken Cancellation)
{
    /// <summary>The caller's user id.</summary>
    public Guid UserId() => AuthEndpointRouteBuilderExtensions.Session(User).UserId;

    /// <summary>The caller's address, agent and request id, for the audit.</summary>
    public ClientInfo Client() => Http.GetClientInfo();
}

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

        group.MapGet("/", ([AsParameters] OrganizationCall call) =>
            call.Organizations.ListMineAsync(call.UserId(), call.User.FindFirstValue(AuthClaims.Tenant), call.Cancellation))
            .WithSummary("The organisations the caller belongs to, the active one marked.")
            .Produces<IReadOnlyList<OrganizationMembershipInfo>>();

        group.MapPost("/", async (CreateOrganizationBody body, [AsParameters] OrganizationCall call) =>
        {
            var created = await call.Organizations.CreateAsync(call.UserId(), new CreateOrganizationRequest(body.Name, body.Slug, body.Settings), call.Client(), call.Cancellation).ConfigureAwait(false);
            return Results.Created($"/api/v1/organizations/{Uri.EscapeDataString(created.Id)}", created);
        })
        .WithSummary("Creates an organisation; the caller becomes its owner.")
        .Produces<OrganizationInfo>(StatusCodes.Status201Created)
        .ProducesValidationProblem()
        .ProducesProblems(StatusCodes.Status409Conflict);

        group.MapGet("/{id}", (string id, [AsParameters] OrganizationCall call) =>
            call.Organizations.GetAsync(call.UserId(), id, call.Cancellation))
            .WithSummary("An organisation the caller belongs to.")
            .Produces<OrganizationInfo>()
            .ProducesProblems(StatusCodes.Status404NotFound);

        group.MapPatch("/{id}", (string id, UpdateOrganizationBody body, [AsParameters] OrganizationCall call) =>
            call.Organizations.UpdateAsync(call.UserId(), id, new UpdateOrganizationRequest(body.Name, body.Slug, body.Settings), call.Client(), call.Cancellation))
            .WithSummary("Renames the organisation, changes its slug or replaces its settings (admins and owners).")
            .Produces<OrganizationInfo>()
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

        group.MapDelete("/{id}", (string id, [AsParameters] OrganizationCall call) =>
            NoContentAfterAsync(call.Organizations.DeleteAsync(call.UserId(), id, call.Client(), call.Cancellation)))
            .WithSummary("Deletes the organisation with its memberships, API keys and sessions (owners only).")
            .ProducesNoContent(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);

        group.MapGet("/{id}/members", (string id, [AsParameters] OrganizationCall call) =>
            call.Organizations.ListMembersAsync(call.UserId(), id, call.Cancellation))
            .WithSummary("The members and their roles (viewers and above).")
            .Produces<IReadOnlyList<OrganizationMemberInfo>>()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);

        group.MapPatch("/{id}/members/{userId:guid}", (string id, Guid userId, ChangeMemberRoleBody body, [AsParameters] OrganizationCall call) =>
            call.Organizations.ChangeRoleAsync(call.UserId(), id, userId, body.Role, call.Client(), call.Cancellation))
            .WithSummary("Changes a member's role (admins and owners; never above one's own; the last owner stays).")
            .Produces<OrganizationMemberInfo>()
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

        group.MapDelete("/{id}/members/{userId:guid}", (string id, Guid userId, [AsParameters] OrganizationCall call) =>
            NoContentAfterAsync(call.Organizations.RemoveMemberAsync(call.UserId(), id, userId, call.Client(), call.Cancellation)))
            .WithSummary("Removes a member, or leaves (the last owner cannot).")
            .ProducesNoContent(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

        MapTeams(group);
        MapInvitations(group);
        return group;
    }

    private static void MapInvitations(RouteGroupBuilder group)
    {
        group.MapGet("/{id}/invitations", (string id, [AsParameters] OrganizationCall call) =>
            call.Organizations.ListInvitationsAsync(call.UserId(), id, call.Cancellation))
            .WithSummary("The organisation's invitations and their state (managers and above).")
            .Produces<IReadOnlyList<InvitationInfo>>();

        group.MapPost("/{id}/invitations", async (string id, InvitationBody body, [AsParameters] OrganizationCall call) =>
        {
            var invitation = await call.Organizations.InviteAsync(call.UserId(), id, new CreateInvitationRequest(body.Email, body.Role, body.TeamIds), call.Client(), call.Cancellation).ConfigureAwait(false);
            return Results.Created($"/api/v1/organizations/{Uri.EscapeDataString(id)}/invitations/{invitation.Id}", invitation);
        })
        .WithSummary("Invites an e-mail address with a role and optional teams; the token goes only to the address (managers and above).")
        .Produces<InvitationInfo>(StatusCodes.Status201Created)
        .ProducesValidationProblem()
        .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict, StatusCodes.Status503ServiceUnavailable);

        group.MapPost("/{id}/invitations/{invitationId:guid}/resend", (string id, Guid invitationId, [AsParameters] OrganizationCall call) =>
            call.Organizations.ResendInvitationAsync(call.UserId(), id, invitationId, call.Client(), call.Cancellation))
            .WithSummary("Sends a pending invitation again with a new token and expiry.")
            .Produces<InvitationInfo>()
            .ProducesProblems(StatusCodes.Status409Conflict, StatusCodes.Status410Gone);

        group.MapDelete("/{id}/invitations/{invitationId:guid}", (string id, Guid invitationId, [AsParameters] OrganizationCall call) =>
            NoContentAfterAsync(call.Organizations.RevokeInvitationAsync(call.UserId(), id, invitationId, call.Client(), call.Cancellation)))
            .WithSummary("Revokes a pending invitation.")
            .ProducesNoContent(StatusCodes.Status409Conflict, StatusCodes.Status410Gone);
    }

    /// <summary><c>POST /api/v1/invitations/accept</c>: anonymous (creates the account) or signed in (adds the membership).</summary>
    public static RouteHandlerBuilder MapAccept(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/api/v1/invitations/accept", async (AcceptInvitationBody body, [AsParameters] OrganizationCall call) =>
        {
            Guid? caller = UserSessionRequirement.TryGetSession(call.User, out var userId, out _) ? userId : null;
            var accepted = await call.Organizations.AcceptInvitationAsync(body.Token, caller, body.Password, call.Client(), call.Cancellation).ConfigureAwait(false);
            return accepted.AccountCreated ? Results.Created("/api/v1/auth/me", accepted) : Results.Ok(accepted);
        })
        .WithTags("Organizations")
        .WithNoStore()
        .AddEndpointFilter<AuthProblemFilter>()
        .WithSummary("Accepts an invitation once: signed in, the account joins; anonymous, a new account is made in the organisation.")
        .Produces<AcceptedInvitation>()
        .Produces<AcceptedInvitation>(StatusCodes.Status201Created)
        .ProducesValidationProblem()
        .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status410Gone)
        .AllowAnonymous();

    private static void MapTeams(RouteGroupBuilder group)
    {
        group.MapGet("/{id}/teams", (string id, [AsParameters] OrganizationCall call) =>
            call.Organizations.ListTeamsAsync(call.UserId(), id, call.Cancellation))
            .WithSummary("The organisation's teams (viewers and above).")
            .Produces<IReadOnlyList<TeamInfo>>();

        group.MapPost("/{id}/teams", async (string id, TeamBody body, [AsParameters] OrganizationCall call) =>
        {
            var team = await call.Organizations.CreateTeamAsync(call.UserId(), id, body.Name, call.Client(), call.Cancellation).ConfigureAwait(false);
            return Results.Created($"/api/v1/organizations/{Uri.EscapeDataString(id)}/teams/{team.Id}", team);
        })
        .WithSummary("Creates a team (managers and above).")
        .Produces<TeamInfo>(StatusCodes.Status201Created)
        .ProducesValidationProblem()
        .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict);

        group.MapPatch("/{id}/teams/{teamId:guid}", (string id, Guid teamId, TeamBody body, [AsParameters] OrganizationCall call) =>
            call.Organizations.RenameTeamAsync(call.UserId(), id, teamId, body.Name, call.Client(), call.Cancellation))
            .WithSummary("Renames a team (managers and above).")
            .Produces<TeamInfo>()
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

        group.MapDelete("/{id}/teams/{teamId:guid}", (string id, Guid teamId, [AsParameters] OrganizationCall call) =>
            NoContentAfterAsync(call.Organizations.DeleteTeamAsync(call.UserId(), id, teamId, call.Client(), call.Cancellation)))
            .WithSummary("Deletes a team (managers and above).")
            .ProducesNoContent(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);

        group.MapGet("/{id}/teams/{teamId:guid}/members", (string id, Guid teamId, [AsParameters] OrganizationCall call) =>
            call.Organizations.ListTeamMembersAsync(call.UserId(), id, teamId, call.Cancellation))
            .WithSummary("A team's members and their team roles (viewers and above).")
            .Produces<IReadOnlyList<TeamMemberInfo>>()
            .ProducesProblems(StatusCodes.Status404NotFound);

        group.MapPut("/{id}/teams/{teamId:guid}/members/{userId:guid}", (string id, Guid teamId, Guid userId, TeamMemberBody body, [AsParameters] OrganizationCall call) =>
            call.Organizations.SetTeamMemberAsync(call.UserId(), id, teamId, userId, body.Role, call.Client(), call.Cancellation))
            .WithSummary("Adds a member of the organisation to the team or changes their team role (managers and above, the team's maintainers).")
            .Produces<TeamMemberInfo>()
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);

        group.MapDelete("/{id}/teams/{teamId:guid}/members/{userId:guid}", (string id, Guid teamId, Guid userId, [AsParameters] OrganizationCall call) =>
            NoContentAfterAsync(call.Organizations.RemoveTeamMemberAsync(call.UserId(), id, teamId, userId, call.Client(), call.Cancellation)))
            .WithSummary("Removes a member from the team (managers and above, the team's maintainers, the member themself).")
            .ProducesNoContent(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
    }

    /// <summary><c>POST /api/v1/auth/switch-organization</c>: a new token pair of the same session, active in the organisation.</summary>
    public static RouteHandlerBuilder MapSwitch(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/api/v1/auth/switch-organization", async (SwitchOrganizationBody body, [AsParameters] OrganizationCall call, TimeProvider time) =>
        {
            var (userId, sessionId) = AuthEndpointRouteBuilderExtensions.Session(call.User);
            var tokens = await call.Organizations.SwitchAsync(userId, sessionId, body.OrganizationId, call.Client(), call.Cancellation).ConfigureAwait(false);
            return Results.Ok(TokenResponse.From(tokens, time.GetUtcNow()));
        })
        .WithTags("Auth")
        .WithNoStore()
        .AddEndpointFilter<AuthProblemFilter>()
        .WithSummary("Makes another organisation of the caller active: a new token pair of the same session.")
        .Produces<TokenResponse>()
        .ProducesValidationProblem()
        .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound)
        .RequireAuthorization(FoundationPolicies.UserSession);

    /// <summary>The answer of every removal and revocation: 204 once the command has run (a refusal throws, and the problem filter answers it).</summary>
    private static async Task<IResult> NoContentAfterAsync(Task command)
    {
        await command.ConfigureAwait(false);
        return Results.NoContent();
    }

    /// <summary>A 204 answer and the problems <paramref name="statuses"/> in the endpoint's metadata (OpenAPI).</summary>
    private static RouteHandlerBuilder ProducesNoContent(this RouteHandlerBuilder builder, params int[] statuses) =>
        builder.Produces(StatusCodes.Status204NoContent).ProducesProblems(statuses);

    /// <summary>Problem answers with <paramref name="statuses"/> in the endpoint's metadata (OpenAPI).</summary>
    private static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            builder.ProducesProblem(status);
        }

        return builder;
    }
}
