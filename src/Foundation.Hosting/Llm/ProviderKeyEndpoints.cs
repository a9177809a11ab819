using System.Security.Claims;
using Foundation.Auth;
using Foundation.Auth.Tokens;
using Foundation.Hosting.Auth;
using Foundation.Hosting.RateLimiting;
using Foundation.Llm.Routing.Outbound;
using Foundation.Llm.Routing.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Foundation.Hosting.Llm;

/// <summary>Bring your own key: <c>/api/v1/provider-keys</c> for the signed-in user (and, for admins, the tenant).</summary>
internal static class ProviderKeyEndpoints
{
    public static void MapProviderKeyEndpoints(IEndpointRouteBuilder endpoints)
    {
        var keys = endpoints.MapGroup("/api/v1/provider-keys")
            .WithTags("Provider keys")
            .WithMetadata(new RateLimitGroupAttribute(RateLimitGroups.Api))
            .AddEndpointFilter<ProviderKeyProblemFilter>()
            .RequireAuthorization();

        keys.MapPost("/", async (CreateProviderKeyBody body, ClaimsPrincipal user, ProviderKeyService service, CancellationToken ct) =>
        {
            if (Owner(user) is not { } owner)
            {
                return AuthEndpoints.SessionRequired();
            }

            var created = await service.CreateAsync(owner, new CreateProviderKeyRequest(body.Provider, body.Name, body.ApiKey, body.BaseUrl, body.Scope), ct).ConfigureAwait(false);
            return Results.Created($"/api/v1/provider-keys/{created.Id}", created);
        })
        .WithSummary("Stores a provider key (encrypted); scope tenant needs the admin role. The key is never shown again.")
        .Produces<ProviderKeyInfo>(StatusCodes.Status201Created)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status403Forbidden);

        keys.MapGet("/", async (ClaimsPrincipal user, ProviderKeyService service, CancellationToken ct) =>
            Owner(user) is { } owner ? Results.Ok(await service.ListAsync(owner, ct).ConfigureAwait(false)) : AuthEndpoints.SessionRequired())
            .WithSummary("Your provider keys and your tenant's tenant-wide keys, newest first (a hint, never the key).")
            .Produces<IReadOnlyList<ProviderKeyInfo>>();

        keys.MapDelete("/{id:guid}", async (Guid id, ClaimsPrincipal user, ProviderKeyService service, CancellationToken ct) =>
        {
            if (Owner(user) is not { } owner)
            {
                return AuthEndpoints.SessionRequired();
            }

            return await service.DeleteAsync(owner, id, ct).ConfigureAwait(false) ? Results.NoContent() : NotFound(id);
        })
        .WithSummary("Deletes a provider key (tenant-wide keys: admins only).")
        .Produces(StatusCodes.Status204NoContent)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound);

        keys.MapPost("/{id:guid}/test", async (Guid id, ClaimsPrincipal user, ProviderKeyService service, CancellationToken ct) =>
        {
            if (Owner(user) is not { } owner)
            {
                return AuthEndpoints.SessionRequired();
            }

            var result = await service.TestAsync(owner, id, ct).ConfigureAwait(false);
            return result is null ? NotFound(id) : Results.Ok(result);
        })
        .WithSummary("A cheap live check of the key against its provider: {ok, status, latencyMs, message}; 422 when its base URL is an address the server does not call.")
        .Produces<ProviderKeyTestResult>()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }

    private static ProviderKeyOwner? Owner(ClaimsPrincipal user)
    {
        if (!AuthEndpoints.TryGetSession(user, out var userId, out _))
        {
            return null;
        }

        var roles = user.FindAll(AuthClaims.Role).Select(c => c.Value);
        return new ProviderKeyOwner(user.FindFirstValue(AuthClaims.Tenant) ?? string.Empty, userId.ToString(), Roles.Satisfies(roles, Roles.Admin));
    }

    private static IResult NotFound(Guid id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No provider key {id} belongs to you or your tenant.");
}

/// <summary>
/// Provider-key refusals as problems: validation -> 400 naming the field, tenant scope without the role -> 403, a base URL the
/// outbound address guard refuses when the key is tested -> 422 naming the rule (the refusal is recorded as a failed test).
/// </summary>
internal sealed class ProviderKeyProblemFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (ProviderKeyValidationException ex)
        {
            var problem = new HttpValidationProblemDetails(new Dictionary<string, string[]>(StringComparer.Ordinal) { [ex.Field] = [ex.Message] })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request is invalid",
                Detail = ex.Message,
            };
            problem.Extensions["field"] = ex.Field;
            return Results.Problem(problem);
        }
        catch (ProviderKeyForbiddenException ex)
        {
            return Results.Problem(new ProblemDetails { Status = StatusCodes.Status403Forbidden, Title = "Forbidden", Detail = ex.Message });
        }
        catch (OutboundAddressRefusedException ex)
        {
            var problem = new ProblemDetails { Status = StatusCodes.Status422UnprocessableEntity, Title = "The provider address is refused", Detail = ex.Message };
            problem.Extensions["code"] = LlmError.OutboundAddressRefusedCode;
            problem.Extensions["field"] = "baseUrl";
            problem.Extensions["rule"] = ex.Rule;
            problem.Extensions["host"] = ex.Host;
            return Results.Problem(problem);
        }
    }
}
