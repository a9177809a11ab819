using System.Security.Claims;
using Foundation.Abstractions.Authorization;
using Foundation.Llm.Routing.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Foundation.Llm.ProviderKeys.Http;

/// <summary>Bring your own key: <c>/api/v1/provider-keys</c> for the signed-in user (and, for admins, the tenant).</summary>
internal static class ProviderKeyEndpoints
{
    /// <summary>The claims the owner is read from (Foundation.Auth's access tokens carry them).</summary>
    private const string SubjectClaim = "sub";
    private const string TenantClaim = "tenant";

    public static RouteGroupBuilder MapProviderKeyEndpoints(IEndpointRouteBuilder endpoints)
    {
        var keys = endpoints.MapGroup("/api/v1/provider-keys")
            .WithTags("Provider keys")
            .AddEndpointFilter<ProviderKeyProblemFilter>()
            .RequireAuthorization(FoundationPolicies.UserSession);

        keys.MapPost("/", async (CreateProviderKeyBody body, ClaimsPrincipal user, IAuthorizationService authorization, ProviderKeyService service, CancellationToken ct) =>
        {
            var owner = await OwnerAsync(user, authorization).ConfigureAwait(false);
            var created = await service.CreateAsync(owner, new CreateProviderKeyRequest(body.Provider, body.Name, body.ApiKey, body.BaseUrl, body.Scope), ct).ConfigureAwait(false);
            return Results.Created($"/api/v1/provider-keys/{created.Id}", created);
        })
        .WithSummary("Stores a provider key (encrypted); scope tenant needs the admin role. The key is never shown again.")
        .Produces<ProviderKeyInfo>(StatusCodes.Status201Created)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status403Forbidden);

        keys.MapGet("/", async (ClaimsPrincipal user, IAuthorizationService authorization, ProviderKeyService service, CancellationToken ct) =>
            Results.Ok(await service.ListAsync(await OwnerAsync(user, authorization).ConfigureAwait(false), ct).ConfigureAwait(false)))
            .WithSummary("Your provider keys and your tenant's tenant-wide keys, newest first (a hint, never the key).")
            .Produces<IReadOnlyList<ProviderKeyInfo>>();

        keys.MapDelete("/{id:guid}", async (Guid id, ClaimsPrincipal user, IAuthorizationService authorization, ProviderKeyService service, CancellationToken ct) =>
        {
            var owner = await OwnerAsync(user, authorization).ConfigureAwait(false);
            return await service.DeleteAsync(owner, id, ct).ConfigureAwait(false) ? Results.NoContent() : NotFound(id);
        })
        .WithSummary("Deletes a provider key (tenant-wide keys: admins only).")
        .Produces(StatusCodes.Status204NoContent)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound);

        keys.MapPost("/{id:guid}/test", async (Guid id, ClaimsPrincipal user, IAuthorizationService authorization, ProviderKeyService service, CancellationToken ct) =>
        {
            var owner = await OwnerAsync(user, authorization).ConfigureAwait(false);
            var result = await service.TestAsync(owner, id, ct).ConfigureAwait(false);
            return result is null ? NotFound(id) : Results.Ok(result);
        })
        .WithSummary("A cheap live check of the key against its provider: {ok, status, latencyMs, message}; 422 when its base URL is an address the server does not call.")
        .Produces<ProviderKeyTestResult>()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return keys;
    }

    /// <summary>
    /// The signed-in user (the <see cref="FoundationPolicies.UserSession"/> policy admitted them, so <c>sub</c> is their id), their
    /// tenant, and whether they satisfy <see cref="FoundationPolicies.Admin"/> (admins and owners may manage tenant-wide keys).
    /// </summary>
    private static async Task<ProviderKeyOwner> OwnerAsync(ClaimsPrincipal user, IAuthorizationService authorization)
    {
        var subject = user.FindFirstValue(SubjectClaim)
            ?? throw new InvalidOperationException($"The {FoundationPolicies.UserSession} policy admitted a caller without a '{SubjectClaim}' claim.");
        var userId = Guid.TryParse(subject, out var id) ? id.ToString() : subject;
        var admin = (await authorization.AuthorizeAsync(user, FoundationPolicies.Admin).ConfigureAwait(false)).Succeeded;
        return new ProviderKeyOwner(user.FindFirstValue(TenantClaim) ?? string.Empty, userId, admin);
    }

    private static IResult NotFound(Guid id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No provider key {id} belongs to you or your tenant.");
}
