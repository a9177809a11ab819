using Foundation.Callers;
using Foundation.FeatureFlags;
using Foundation.FeatureFlags.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.FeatureManagement;

namespace Microsoft.AspNetCore.Routing;

/// <summary>Maps Foundation.FeatureFlags' HTTP API.</summary>
public static class FeatureFlagsEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps, under <paramref name="prefix"/> (default <c>/api/v1</c>), always over the caller's own organisation (<see cref="ICurrentCaller.TenantId"/>):
    /// <c>GET /features</c>, the caller's evaluated flags for front ends (<c>{"features": {"name": true}}</c>; policy
    /// <see cref="FeatureFlagsOptions.ReadPolicy"/>, default an authenticated caller), and the admin API under <c>/feature-flags</c>
    /// (policy <see cref="FeatureFlagsOptions.AdminPolicy"/>, default admins and owners): <c>GET /</c>, <c>POST /</c>, <c>GET /{name}</c>,
    /// <c>PUT /{name}</c>, <c>DELETE /{name}</c>. Refusals are problems naming the field (400, 404, 409). Returns the group, so the host can
    /// add policies (rate limits, more authorization).
    /// </summary>
    public static RouteGroupBuilder MapFoundationFeatureFlagsApi(this IEndpointRouteBuilder endpoints, string prefix = "/api/v1")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        var group = endpoints.MapGroup(prefix)
            .WithTags("Feature flags")
            .AddEndpointFilter<FeatureFlagProblemFilter>();

        var features = group.MapGet("/features", async (HttpContext http, IFeatureManager features, CancellationToken ct) =>
        {
            var evaluated = new SortedDictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
            await foreach (var name in features.GetFeatureNamesAsync().WithCancellation(ct).ConfigureAwait(false))
            {
                evaluated[name] = await features.IsEnabledAsync(name).ConfigureAwait(false);
            }

            // Evaluated for this caller: no shared cache may keep it.
            http.Response.Headers.CacheControl = "no-store";
            return Results.Ok(new EvaluatedFeatures(evaluated));
        })
            .WithName("FoundationFeaturesEvaluated")
            .WithSummary("The caller's flags, evaluated for the caller (its organisation's flags and those declared in configuration).")
            .Produces<EvaluatedFeatures>();
        RequirePolicy(features, o => o.ReadPolicy);

        var admin = group.MapGroup("/feature-flags");
        RequirePolicy(admin, o => o.AdminPolicy);

        admin.MapGet("/", async (ICurrentCaller caller, FeatureFlagService flags, CancellationToken ct) =>
            Results.Ok(new FeatureFlagList(await flags.ListAsync(Tenant(caller), ct).ConfigureAwait(false))))
            .WithName("FoundationFeatureFlagsList")
            .WithSummary("The organisation's flags, by name.")
            .Produces<FeatureFlagList>();

        admin.MapPost("/", async (HttpRequest request, ICurrentCaller caller, FeatureFlagService flags, CancellationToken ct) =>
        {
            var input = await FeatureFlagRequestReader.ReadAsync(request, ct).ConfigureAwait(false);
            var created = await flags.CreateAsync(Tenant(caller), input, caller.UserId, ct).ConfigureAwait(false);
            return Results.Created(string.Concat(request.PathBase.ToUriComponent(), request.Path.Value!.TrimEnd('/'), "/", Uri.EscapeDataString(created.Name)), created);
        })
            .WithName("FoundationFeatureFlagsCreate")
            .WithSummary("Creates a flag: {name, description?, enabled?, rolloutPercentage?, users?, teams?, roles?, excludedUsers?}.")
            .Accepts<FeatureFlagInput>("application/json")
            .Produces<FeatureFlag>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        admin.MapGet("/{name}", async (string name, ICurrentCaller caller, FeatureFlagService flags, CancellationToken ct) =>
            Results.Ok(await flags.GetAsync(Tenant(caller), name, ct).ConfigureAwait(false)))
            .WithName("FoundationFeatureFlagsGet")
            .WithSummary("One flag.")
            .Produces<FeatureFlag>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        admin.MapPut("/{name}", async (string name, HttpRequest request, ICurrentCaller caller, FeatureFlagService flags, CancellationToken ct) =>
        {
            var input = await FeatureFlagRequestReader.ReadAsync(request, ct).ConfigureAwait(false);
            return Results.Ok(await flags.UpdateAsync(Tenant(caller), name, input, caller.UserId, ct).ConfigureAwait(false));
        })
            .WithName("FoundationFeatureFlagsUpdate")
            .WithSummary("Replaces what is set on a flag (the same fields as create; omitted ones take their defaults). The name cannot change.")
            .Accepts<FeatureFlagInput>("application/json")
            .Produces<FeatureFlag>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        admin.MapDelete("/{name}", async (string name, ICurrentCaller caller, FeatureFlagService flags, CancellationToken ct) =>
        {
            await flags.DeleteAsync(Tenant(caller), name, caller.UserId, ct).ConfigureAwait(false);
            return Results.NoContent();
        })
            .WithName("FoundationFeatureFlagsDelete")
            .WithSummary("Deletes a flag.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    /// <summary>The policy is read when the endpoints are built, not now: options (and their validation) stay a start-up matter.</summary>
    private static void RequirePolicy(IEndpointConventionBuilder builder, Func<FeatureFlagsOptions, string?> policy) =>
        builder.Add(b =>
        {
            var name = policy(b.ApplicationServices.GetRequiredService<IOptions<FeatureFlagsOptions>>().Value);
            b.Metadata.Add(string.IsNullOrWhiteSpace(name) ? new AuthorizeAttribute() : new AuthorizeAttribute(name));
        });

    private static string Tenant(ICurrentCaller caller) => caller.TenantId ?? string.Empty;
}
