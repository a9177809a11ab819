using System.Text;
using Foundation.Audit;
using Foundation.Audit.Http;
using Foundation.Audit.Query;
using Foundation.Audit.Retention;
using Foundation.Audit.Verification;
using Foundation.Callers;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Routing;

/// <summary>Maps Foundation.Audit's HTTP API.</summary>
public static class AuditEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps, under <paramref name="prefix"/> (default <c>/api/v1/audit</c>), for callers that satisfy <see cref="AuditOptions.AdminPolicy"/>
    /// and always over the caller's own tenant (<see cref="ICurrentCaller.TenantId"/>):
    /// <c>GET /events</c> (filters actor, action (prefix), targetType, targetId, outcome, from, to; limit, pageToken),
    /// <c>GET /events/export?format=jsonl|csv</c> (same filters, every matching event, oldest first) and <c>GET /verify</c>.
    /// Invalid input is a 400 problem naming the field. Returns the group, so the host can add policies (rate limits, more authorization).
    /// </summary>
    public static RouteGroupBuilder MapFoundationAuditApi(this IEndpointRouteBuilder endpoints, string prefix = "/api/v1/audit")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        var group = endpoints.MapGroup(prefix)
            .WithTags("Audit")
            .AddEndpointFilter<AuditProblemFilter>();

        // The policy name is read when the endpoints are built, not now: options (and their validation) stay a start-up matter.
        ((IEndpointConventionBuilder)group).Add(b =>
            b.Metadata.Add(new AuthorizeAttribute(b.ApplicationServices.GetRequiredService<IOptions<AuditOptions>>().Value.AdminPolicy)));

        group.MapGet("/events", async (HttpRequest request, ICurrentCaller caller, AuditQueryService audit, CancellationToken ct) =>
            Results.Ok(await audit.QueryAsync(caller.TenantId, AuditHttpQuery.Parse(request.Query, AuditHttpQuery.PageNames), ct).ConfigureAwait(false)))
            .WithName("FoundationAuditEvents")
            .WithSummary("The tenant's audit events, newest first: filters actor, action (prefix), targetType, targetId, outcome, from, to; limit (1-500, default 50); pageToken from the previous page.")
            .Produces<AuditPage>()
            .ProducesValidationProblem();

        group.MapGet("/events/export", async (HttpContext http, ICurrentCaller caller, AuditQueryService audit, CancellationToken ct) =>
        {
            var query = AuditHttpQuery.Parse(http.Request.Query, AuditHttpQuery.ExportNames);
            var format = AuditHttpQuery.Text(http.Request.Query, "format") ?? "jsonl";
            if (format is not ("jsonl" or "csv"))
            {
                throw new AuditValidationException("format", $"format is '{format}'; use jsonl or csv.");
            }

            // Validate before the first byte: a bad filter is still a 400, not a broken download.
            AuditQueryService.Validate(query);
            var response = http.Response;
            response.ContentType = string.Equals(format, "csv", StringComparison.Ordinal) ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
            response.Headers.ContentDisposition = $"attachment; filename=\"audit-events.{format}\"";
            var writer = new StreamWriter(response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024);
            await using (writer.ConfigureAwait(false))
            {
                if (string.Equals(format, "csv", StringComparison.Ordinal))
                {
                    await audit.ExportCsvAsync(caller.TenantId, query, writer, ct).ConfigureAwait(false);
                }
                else
                {
                    await audit.ExportJsonLinesAsync(caller.TenantId, query, writer, ct).ConfigureAwait(false);
                }

                await writer.FlushAsync(ct).ConfigureAwait(false);
            }

            return Results.Empty;
        })
            .WithName("FoundationAuditExport")
            .WithSummary("Every matching event of the tenant, oldest first, as JSON Lines (format=jsonl, default) or CSV (format=csv; formula-like text is neutralised).")
            .Produces(StatusCodes.Status200OK, contentType: "application/x-ndjson")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesValidationProblem();

        group.MapGet("/verify", async (HttpRequest request, ICurrentCaller caller, AuditVerifier verifier, CancellationToken ct) =>
        {
            AuditHttpQuery.Parse(request.Query, []);
            return Results.Ok(AuditVerifyResponse.From(await verifier.VerifyAsync(caller.TenantId, ct).ConfigureAwait(false)));
        })
            .WithName("FoundationAuditVerify")
            .WithSummary("Verifies the tenant's hash chain and checkpoints; names the first modified, deleted, inserted, reordered or truncated event.")
            .Produces<AuditVerifyResponse>()
            .ProducesValidationProblem();

        group.MapGet("/legal-hold", async (ICurrentCaller caller, AuditRetentionService retention, CancellationToken ct) =>
            await retention.GetLegalHoldAsync(caller.TenantId, ct).ConfigureAwait(false) is { } hold ? Results.Ok(hold) : Results.NotFound())
            .WithName("FoundationAuditLegalHold")
            .WithSummary("The tenant's legal hold (404 when none).")
            .Produces<AuditLegalHold>()
            .Produces(StatusCodes.Status404NotFound);

        group.MapPut("/legal-hold", async (AuditLegalHoldRequest? body, ICurrentCaller caller, AuditRetentionService retention, CancellationToken ct) =>
            Results.Ok(await retention.PlaceLegalHoldAsync(caller.TenantId, body?.Reason, caller.UserId, ct).ConfigureAwait(false)))
            .WithName("FoundationAuditPlaceLegalHold")
            .WithSummary("Places a legal hold on the tenant ({reason}): nothing of its audit log is purged until released. Audited.")
            .Produces<AuditLegalHold>()
            .ProducesValidationProblem();

        group.MapDelete("/legal-hold", async (ICurrentCaller caller, AuditRetentionService retention, CancellationToken ct) =>
            await retention.ReleaseLegalHoldAsync(caller.TenantId, caller.UserId, ct).ConfigureAwait(false) ? Results.NoContent() : Results.NotFound())
            .WithName("FoundationAuditReleaseLegalHold")
            .WithSummary("Releases the tenant's legal hold (404 when none). Audited.")
            .Produces(StatusCodes.Status204NoContent)
            .Produces(StatusCodes.Status404NotFound);

        return group;
    }
}
