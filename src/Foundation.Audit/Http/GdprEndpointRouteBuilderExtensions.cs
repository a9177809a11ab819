using Foundation.Audit;
using Foundation.Audit.Http;
using Foundation.Audit.PersonalData;
using Foundation.Callers;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Routing;

/// <summary>Maps Foundation.Audit's GDPR API.</summary>
public static class GdprEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps, under <paramref name="prefix"/> (default <c>/api/v1/gdpr</c>), always within the caller's own tenant:
    /// <c>GET /export/{userId}</c> and <c>POST /erase/{userId}</c> for callers that satisfy <see cref="AuditOptions.AdminPolicy"/> (404 for a
    /// user the tenant does not know, 503 naming the section when a provider fails: repeat the erasure to finish); for any signed-in user
    /// <c>GET /export/me</c>, <c>GET /consents/me</c> and <c>POST /consents/me</c> (<c>{purpose, version, granted}</c>; 400 naming the field).
    /// Returns the group, so the host can add policies.
    /// </summary>
    public static RouteGroupBuilder MapFoundationGdprApi(this IEndpointRouteBuilder endpoints, string prefix = "/api/v1/gdpr")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        var group = endpoints.MapGroup(prefix)
            .WithTags("GDPR")
            .AddEndpointFilter<GdprProblemFilter>()
            .RequireAuthorization();

        group.MapGet("/export/me", async (ICurrentCaller caller, GdprService gdpr, TimeProvider time, CancellationToken ct) =>
        {
            if (caller.UserId is not { Length: > 0 } me)
            {
                return NotAUser();
            }

            return await gdpr.ExportAsync(caller.TenantId, me, ct).ConfigureAwait(false) is { } export
                ? Results.Ok(export)
                : Results.Ok(new PersonalDataExport(caller.TenantId ?? "", me, time.GetUtcNow(), null,
                    new Dictionary<string, System.Text.Json.JsonElement>(StringComparer.Ordinal)));
        })
            .WithName("FoundationGdprExportMe")
            .WithSummary("Everything the suite holds about the signed-in user, one section per package. Audited.")
            .Produces<PersonalDataExport>();

        var export = group.MapGet("/export/{userId}", async (string userId, ICurrentCaller caller, GdprService gdpr, CancellationToken ct) =>
            await gdpr.ExportAsync(caller.TenantId, userId, ct).ConfigureAwait(false) is { } export
                ? Results.Ok(export)
                : NotFound(userId))
            .WithName("FoundationGdprExport")
            .WithSummary("Everything the suite holds about a user of the caller's tenant, one section per package (admins; 404 for a user the tenant does not know). Audited.")
            .Produces<PersonalDataExport>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        RequireAdmin(export);

        var erase = group.MapPost("/erase/{userId}", async (string userId, GdprService gdpr, ICurrentCaller caller, CancellationToken ct) =>
            await gdpr.EraseAsync(caller.TenantId, userId, ct).ConfigureAwait(false) is { } report
                ? Results.Ok(report)
                : NotFound(userId))
            .WithName("FoundationGdprErase")
            .WithSummary("Erases a user of the caller's tenant in every package (delete or anonymise; audit fields by destroying the user's data key). Idempotent; 503 naming the failed section when one fails (repeat to finish). Admins; audited.")
            .Produces<PersonalDataErasureReport>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        RequireAdmin(erase);

        group.MapGet("/consents/me", async (ICurrentCaller caller, ConsentService consents, CancellationToken ct) =>
            caller.UserId is { Length: > 0 } me ? Results.Ok(await consents.GetAsync(caller.TenantId, me, ct).ConfigureAwait(false)) : NotAUser())
            .WithName("FoundationGdprConsents")
            .WithSummary("The signed-in user's consents: the current state per purpose and every record, newest first.")
            .Produces<ConsentState>();

        group.MapPost("/consents/me", async (ConsentRequest? body, ICurrentCaller caller, ConsentService consents, CancellationToken ct) =>
        {
            if (caller.UserId is not { Length: > 0 } me)
            {
                return NotAUser();
            }

            var record = await consents.RecordAsync(caller.TenantId, me, body?.Purpose, body?.Version, body?.Granted, ct).ConfigureAwait(false);
            return Results.Created($"{prefix.TrimEnd('/')}/consents/me", record);
        })
            .WithName("FoundationGdprRecordConsent")
            .WithSummary("Records that the signed-in user granted (granted: true) or withdrew (false) consent to a purpose in a version of its text.")
            .Produces<ConsentRecord>(StatusCodes.Status201Created)
            .ProducesValidationProblem();

        return group;
    }

    private static void RequireAdmin(RouteHandlerBuilder endpoint) =>
        endpoint.Add(b => b.Metadata.Add(new AuthorizeAttribute(b.ApplicationServices.GetRequiredService<IOptions<AuditOptions>>().Value.AdminPolicy)));

    private static IResult NotFound(string userId) => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such user",
        detail: $"Nothing is held about user '{(userId.Length > 128 ? userId[..128] : userId)}' in your tenant.");

    private static IResult NotAUser() => Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not a user",
        detail: "Only a signed-in user has personal data here; an API key or service caller has none.");
}

/// <summary>The body of <c>POST /api/v1/gdpr/consents/me</c>.</summary>
/// <param name="Purpose">The purpose (<c>marketing.email</c>): lower-case letters, digits, '.', '_' or '-'.</param>
/// <param name="Version">The version of the consent text the user saw.</param>
/// <param name="Granted">True to grant, false to withdraw.</param>
public sealed record ConsentRequest(string? Purpose, string? Version, bool? Granted);
