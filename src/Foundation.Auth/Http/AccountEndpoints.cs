using System.Security.Claims;
using Foundation.Abstractions.Authorization;
using Foundation.Auth.ApiKeys;
using Foundation.Auth.Sessions;
using Foundation.Auth.Tokens;
using Foundation.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Foundation.Auth.Http;

/// <summary><c>POST /api/v1/api-keys</c>.</summary>
/// <param name="Name">A name for the key (1 to 100 characters).</param>
/// <param name="Scopes">Scopes the key is limited to; none means every scope of the owner.</param>
/// <param name="ExpiresAt">When the key stops working; none means never (at most two years ahead).</param>
public sealed record CreateApiKeyBody(string? Name, IReadOnlyList<string>? Scopes, DateTimeOffset? ExpiresAt);

/// <summary>The answer of <c>POST /api/v1/api-keys</c>: the key's details and, this once, the full key.</summary>
/// <param name="Id">The key's id (for the other endpoints).</param>
/// <param name="Name">The name.</param>
/// <param name="KeyId">The public part of the key.</param>
/// <param name="Key">The full key, <c>fnd_...</c>: shown only now; store it safely.</param>
/// <param name="Scopes">The scopes.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="ExpiresAt">When it stops working.</param>
/// <param name="IsActive">Whether it is accepted.</param>
public sealed record CreatedApiKeyResponse(
    Guid Id, string Name, string KeyId, string Key, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, bool IsActive);

/// <summary>The answer of <c>DELETE /api/v1/sessions</c>.</summary>
/// <param name="Revoked">How many sessions were revoked.</param>
public sealed record RevokedSessionsResponse(int Revoked);

/// <summary>The session and API-key endpoints of the signed-in user, under <c>/api/v1/sessions</c> and <c>/api/v1/api-keys</c>.</summary>
internal static class AccountEndpoints
{
    public static RouteGroupBuilder MapSessionEndpoints(IEndpointRouteBuilder endpoints)
    {
        var sessions = endpoints.MapGroup("/api/v1/sessions")
            .WithTags("Sessions")
            .AddEndpointFilter<AuthProblemFilter>()
            .RequireAuthorization(FoundationPolicies.UserSession);

        sessions.MapGet("/", async (ClaimsPrincipal user, SessionService service, CancellationToken ct) =>
        {
            var (userId, sessionId) = AuthEndpointRouteBuilderExtensions.Session(user);
            return Results.Ok(await service.ListAsync(userId, Tenant(user), sessionId, ct).ConfigureAwait(false));
        })
        .WithSummary("The signed-in user's active sessions, newest first, with device information.")
        .Produces<IReadOnlyList<SessionInfo>>();

        sessions.MapGet("/stats", async (ClaimsPrincipal user, SessionService service, CancellationToken ct) =>
            Results.Ok(await service.GetStatsAsync(UserId(user), Tenant(user), ct).ConfigureAwait(false)))
            .WithSummary("Counts of the signed-in user's active sessions by device type, browser and operating system.")
            .Produces<SessionStats>();

        sessions.MapDelete("/{id:guid}", async (Guid id, ClaimsPrincipal user, SessionService service, CancellationToken ct) =>
            await service.RevokeAsync(UserId(user), Tenant(user), id, SessionRevocationReasons.Revoked, ct).ConfigureAwait(false)
                ? Results.NoContent()
                : NotFound("session", id))
        .WithSummary("Revokes one of the signed-in user's sessions.")
        .Produces(StatusCodes.Status204NoContent)
        .ProducesProblem(StatusCodes.Status404NotFound);

        sessions.MapDelete("/", async (ClaimsPrincipal user, SessionService service, bool? all, CancellationToken ct) =>
        {
            var (userId, sessionId) = AuthEndpointRouteBuilderExtensions.Session(user);
            var revoked = await service.RevokeAllAsync(userId, Tenant(user), all == true ? null : sessionId, SessionRevocationReasons.Revoked, ct).ConfigureAwait(false);
            return Results.Ok(new RevokedSessionsResponse(revoked));
        })
        .WithSummary("Revokes every other session of the signed-in user (?all=true: this one too).")
        .Produces<RevokedSessionsResponse>();
        return sessions;
    }

    public static RouteGroupBuilder MapApiKeyEndpoints(IEndpointRouteBuilder endpoints)
    {
        var keys = endpoints.MapGroup("/api/v1/api-keys")
            .WithTags("API keys")
            .WithNoStore()
            .AddEndpointFilter<AuthProblemFilter>()
            .RequireAuthorization(FoundationPolicies.UserSession);

        keys.MapPost("/", async (CreateApiKeyBody body, ClaimsPrincipal user, ApiKeyService service, CancellationToken ct) =>
        {
            var created = await service.CreateAsync(UserId(user), Tenant(user), body.Name ?? string.Empty, body.Scopes, body.ExpiresAt, ct).ConfigureAwait(false);
            var k = created.Key;
            return Results.Created(
                $"/api/v1/api-keys/{k.Id}",
                new CreatedApiKeyResponse(k.Id, k.Name, k.KeyId, created.FullKey, k.Scopes, k.CreatedAt, k.ExpiresAt, k.IsActive));
        })
        .WithSummary("Creates an API key; the full key is in this answer only.")
        .Produces<CreatedApiKeyResponse>(StatusCodes.Status201Created)
        .ProducesValidationProblem();

        keys.MapGet("/", async (ClaimsPrincipal user, ApiKeyService service, CancellationToken ct) =>
            Results.Ok(await service.ListAsync(UserId(user), Tenant(user), ct).ConfigureAwait(false)))
            .WithSummary("The signed-in user's API keys (never the secrets).")
            .Produces<IReadOnlyList<ApiKeyInfo>>();

        keys.MapGet("/{id:guid}", async (Guid id, ClaimsPrincipal user, ApiKeyService service, CancellationToken ct) =>
        {
            var key = await service.GetAsync(UserId(user), Tenant(user), id, ct).ConfigureAwait(false);
            return key is null ? NotFound("API key", id) : Results.Ok(key);
        })
        .WithSummary("One of the signed-in user's API keys.")
        .Produces<ApiKeyInfo>()
        .ProducesProblem(StatusCodes.Status404NotFound);

        keys.MapDelete("/{id:guid}", async (Guid id, ClaimsPrincipal user, ApiKeyService service, CancellationToken ct) =>
            await service.DeleteAsync(UserId(user), Tenant(user), id, ct).ConfigureAwait(false) ? Results.NoContent() : NotFound("API key", id))
        .WithSummary("Deletes an API key.")
        .Produces(StatusCodes.Status204NoContent)
        .ProducesProblem(StatusCodes.Status404NotFound);

        keys.MapPost("/{id:guid}/activate", (Guid id, ClaimsPrincipal user, ApiKeyService service, CancellationToken ct) => SetActiveAsync(id, true, user, service, ct))
            .WithSummary("Accepts the API key again.")
            .Produces<ApiKeyInfo>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        keys.MapPost("/{id:guid}/deactivate", (Guid id, ClaimsPrincipal user, ApiKeyService service, CancellationToken ct) => SetActiveAsync(id, false, user, service, ct))
            .WithSummary("Stops accepting the API key (it can be activated again).")
            .Produces<ApiKeyInfo>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return keys;
    }

    private static async Task<IResult> SetActiveAsync(Guid id, bool active, ClaimsPrincipal user, ApiKeyService service, CancellationToken ct)
    {
        var userId = UserId(user);
        var tenant = Tenant(user);
        if (!await service.SetActiveAsync(userId, tenant, id, active, ct).ConfigureAwait(false))
        {
            return NotFound("API key", id);
        }

        return Results.Ok(await service.GetAsync(userId, tenant, id, ct).ConfigureAwait(false));
    }

    private static Guid UserId(ClaimsPrincipal user) => AuthEndpointRouteBuilderExtensions.Session(user).UserId;

    private static string Tenant(ClaimsPrincipal user) => user.FindFirstValue(AuthClaims.Tenant) ?? string.Empty;

    private static IResult NotFound(string what, Guid id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No {what} {id} belongs to you.");
}
