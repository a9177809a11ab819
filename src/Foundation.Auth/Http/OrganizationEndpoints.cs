using System.Security.Claims;
using System.Text.Json;
using Foundation.Abstractions.Authorization;
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

        return group;
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
