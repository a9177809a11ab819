using System.Globalization;
using System.Text;
using Foundation.Abstractions.Authorization;
using Foundation.Callers;
using Foundation.Costing.Analytics;
using Foundation.Costing.Budgets;
using Foundation.Costing.Http;
using Foundation.Costing.Pricing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Microsoft.AspNetCore.Routing;

/// <summary>Maps Foundation.Costing's HTTP API.</summary>
public static class CostingEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps, under <paramref name="prefix"/> (default <c>/api/v1</c>): analytics, CSV export and the tenant's prices under <c>/costs</c> and
    /// budgets under <c>/budgets</c> (policy <see cref="FoundationPolicies.Admin"/>: admins of the caller's tenant), the global price catalog
    /// under <c>/costs/prices/global</c> (policy <see cref="FoundationPolicies.PlatformOperator"/>) and <c>/usage/me</c> (any authenticated
    /// caller). The tenant always comes from the caller (<see cref="ICurrentCaller.TenantId"/>), never from the request. Invalid input is a
    /// 400 problem naming the field, a duplicate budget name or too many price overrides a 409 problem.
    /// Foundation.Auth registers the policies; a host without it registers policies under the <see cref="FoundationPolicies"/> names.
    /// Returns the group, so the host can add policies (rate limits, more authorization) to every Costing endpoint.
    /// </summary>
    public static RouteGroupBuilder MapFoundationCostingApi(this IEndpointRouteBuilder endpoints, string prefix = "/api/v1")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        var api = endpoints.MapGroup(prefix).AddEndpointFilter<CostingProblemFilter>();

        var costs = api.MapGroup("/costs")
            .WithTags("Costs")
            .RequireAuthorization(FoundationPolicies.Admin);

        costs.MapGet("/summary", async (HttpRequest request, ICurrentCaller caller, CostAnalyticsService analytics, CancellationToken ct) =>
            Results.Ok(await analytics.GetSummaryAsync(CostingHttpQuery.Analytics(request, caller), ct).ConfigureAwait(false)))
            .WithSummary("KPIs of the tenant over range (24h, 7d, 30d, 90d) or from/to: requests, unique users, error rate, latency, cost, tokens.")
            .Produces<CostSummary>()
            .ProducesValidationProblem();

        costs.MapGet("/timeseries", async (HttpRequest request, ICurrentCaller caller, CostAnalyticsService analytics, string? interval, string? groupBy, CancellationToken ct) =>
            Results.Ok(await analytics.GetTimeSeriesAsync(CostingHttpQuery.Analytics(request, caller), interval, groupBy, ct).ConfigureAwait(false)))
            .WithSummary("Hour or day buckets (interval), optionally split by groupBy (provider, model, user, apikey, team, deployment).")
            .Produces<IReadOnlyList<TimeSeriesPoint>>()
            .ProducesValidationProblem();

        costs.MapGet("/by/{dimension}", async (string dimension, HttpRequest request, ICurrentCaller caller, CostAnalyticsService analytics, CancellationToken ct) =>
        {
            var limit = CostingHttpQuery.Int(request, "limit") ?? 100;
            return Results.Ok(await analytics.GetBreakdownAsync(CostingHttpQuery.Analytics(request, caller), dimension, limit, ct).ConfigureAwait(false));
        })
            .WithSummary("Totals by provider, model, user, tenant, apikey, team or deployment, largest cost first (limit, default 100).")
            .Produces<IReadOnlyList<BreakdownRow>>()
            .ProducesValidationProblem();

        costs.MapGet("/export", async (HttpContext http, ICurrentCaller caller, CostAnalyticsService analytics, CancellationToken ct) =>
        {
            var query = CostingHttpQuery.Analytics(http.Request, caller);

            // Validate before the first byte: a bad range is still a 400, not a broken download.
            var range = analytics.ResolveRange(query.Range, query.From, query.To);
            var response = http.Response;
            response.ContentType = "text/csv; charset=utf-8";
            response.Headers.ContentDisposition = string.Create(CultureInfo.InvariantCulture,
                $"attachment; filename=\"costs-{range.From:yyyyMMdd}-{range.To:yyyyMMdd}.csv\"");
            var writer = new StreamWriter(response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024);
            await using (writer.ConfigureAwait(false))
            {
                await analytics.ExportCsvAsync(query, writer, ct).ConfigureAwait(false);
                await writer.FlushAsync(ct).ConfigureAwait(false);
            }

            return Results.Empty;
        })
            .WithSummary("The tenant's usage records of the range as CSV (RFC 4180; formula-like text is neutralised).")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesValidationProblem();

        costs.MapGet("/prices", async (HttpRequest request, ICurrentCaller caller, PriceCatalogService prices, CancellationToken ct) =>
            Results.Ok(await prices.ListForTenantAsync(CostingHttpQuery.Tenant(caller), CostingHttpQuery.Text(request, "provider"), CostingHttpQuery.Text(request, "model"), ct).ConfigureAwait(false)))
            .WithSummary("The prices your tenant is charged, USD per one million tokens: your tenant's overrides (isOverride) and the global prices " +
                "(shipped catalog, configuration, platform operators); inEffect marks the entry a call to exactly that provider and model is charged now.")
            .Produces<IReadOnlyList<TenantPriceEntry>>();

        costs.MapPut("/prices", async (PriceChange body, ICurrentCaller caller, PriceCatalogService prices, CancellationToken ct) =>
            Results.Ok(await prices.SetTenantPriceAsync(CostingHttpQuery.Tenant(caller), body, ct).ConfigureAwait(false)))
            .WithSummary("Sets your tenant's own price of a model the catalog prices, from effectiveFrom (default now). It applies to your tenant only; " +
                "the global catalog is changed by platform operators (PUT /api/v1/costs/prices/global).")
            .Produces<PriceEntry>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        costs.MapDelete("/prices", async (HttpRequest request, ICurrentCaller caller, PriceCatalogService prices, CancellationToken ct) =>
        {
            var removal = await PriceRemoval.ReadAsync(request, ct).ConfigureAwait(false);
            var removed = await prices.RemoveTenantPriceAsync(CostingHttpQuery.Tenant(caller), removal.Provider!, removal.Model!, removal.EffectiveFrom, ct).ConfigureAwait(false);
            return removed > 0 ? Results.NoContent() : NoPrice(removal, "Your tenant has no price override");
        })
            .WithSummary("Removes your tenant's override of a model ({provider, model, effectiveFrom?} in the body or the query; every date when " +
                "effectiveFrom is left out): your tenant is charged the global price again.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        // The global catalog: platform operators only (Foundation.Auth: Foundation:Auth:PlatformOperators), whatever their role in their own tenant.
        var global = api.MapGroup("/costs/prices/global")
            .WithTags("Costs")
            .RequireAuthorization(FoundationPolicies.PlatformOperator);

        global.MapGet("/", async (HttpRequest request, PriceCatalogService prices, CancellationToken ct) =>
            Results.Ok(await prices.ListAsync(CostingHttpQuery.Text(request, "provider"), CostingHttpQuery.Text(request, "model"), ct).ConfigureAwait(false)))
            .WithSummary("The global prices every tenant without an override is charged (database, configuration, shipped catalog). Platform operators only.")
            .Produces<IReadOnlyList<PriceEntry>>()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        global.MapPut("/", async (PriceChange body, ICurrentCaller caller, PriceCatalogService prices, CancellationToken ct) =>
            Results.Ok(await prices.SetPriceAsync(body, caller.UserId, ct).ConfigureAwait(false)))
            .WithSummary("Sets a global price (wins over configuration and the catalog for every tenant without an override) from effectiveFrom " +
                "(default now). Platform operators only.")
            .Produces<PriceEntry>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        global.MapDelete("/", async (HttpRequest request, PriceCatalogService prices, CancellationToken ct) =>
        {
            var removal = await PriceRemoval.ReadAsync(request, ct).ConfigureAwait(false);
            var removed = await prices.RemoveGlobalPriceAsync(removal.Provider!, removal.Model!, removal.EffectiveFrom, ct).ConfigureAwait(false);
            return removed > 0 ? Results.NoContent() : NoPrice(removal, "There is no global database price");
        })
            .WithSummary("Removes global database prices of a model ({provider, model, effectiveFrom?} in the body or the query); configuration and " +
                "the shipped catalog apply again. Platform operators only.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/usage/me", async (HttpRequest request, ICurrentCaller caller, CostAnalyticsService analytics, BudgetService budgets, CancellationToken ct) =>
        {
            var usage = await analytics.GetCallerUsageAsync(caller, CostingHttpQuery.Text(request, "range"), CostingHttpQuery.Date(request, "from"), CostingHttpQuery.Date(request, "to"), ct).ConfigureAwait(false);
            var applicable = await budgets.ListForCallerAsync(caller, ct).ConfigureAwait(false);
            return Results.Ok(new UsageMeResponse(usage, applicable));
        })
            .WithTags("Costs")
            .WithSummary("Your own totals (requests, tokens, cost) over range or from/to, and the budgets that apply to you with your counters.")
            .Produces<UsageMeResponse>()
            .ProducesValidationProblem()
            .RequireAuthorization();

        var budgetGroup = api.MapGroup("/budgets")
            .WithTags("Budgets")
            .RequireAuthorization(FoundationPolicies.Admin);
        var budgetsPath = prefix.TrimEnd('/') + "/budgets/";

        budgetGroup.MapGet("/", async (ICurrentCaller caller, BudgetService budgets, CancellationToken ct) =>
            Results.Ok(await budgets.ListAsync(CostingHttpQuery.Tenant(caller), ct).ConfigureAwait(false)))
            .WithSummary("The tenant's budgets with their current period's utilisation.")
            .Produces<IReadOnlyList<BudgetView>>();

        budgetGroup.MapPost("/", async (BudgetDefinition body, ICurrentCaller caller, BudgetService budgets, CancellationToken ct) =>
        {
            var created = await budgets.CreateAsync(CostingHttpQuery.Tenant(caller), body, ct).ConfigureAwait(false);
            return Results.Created(budgetsPath + created.Id.ToString(), created);
        })
            .WithSummary("Creates a budget: {name, scope (tenant, team, user, apikey, role), scopeValue, period (day, week, month, rolling), rollingHours?, limitUsd?, limitTokens?, thresholds?, hardLimit?, enabled?}.")
            .Produces<BudgetView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        budgetGroup.MapGet("/{id:guid}", async (Guid id, ICurrentCaller caller, BudgetService budgets, CancellationToken ct) =>
            await budgets.GetAsync(CostingHttpQuery.Tenant(caller), id, ct).ConfigureAwait(false) is { } view ? Results.Ok(view) : NotFound(id))
            .WithSummary("A budget of the tenant with its utilisation.")
            .Produces<BudgetView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        budgetGroup.MapPut("/{id:guid}", async (Guid id, BudgetDefinition body, ICurrentCaller caller, BudgetService budgets, CancellationToken ct) =>
            await budgets.UpdateAsync(CostingHttpQuery.Tenant(caller), id, body, ct).ConfigureAwait(false) is { } view ? Results.Ok(view) : NotFound(id))
            .WithSummary("Changes a budget; fields left out keep their value.")
            .Produces<BudgetView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        budgetGroup.MapDelete("/{id:guid}", async (Guid id, ICurrentCaller caller, BudgetService budgets, CancellationToken ct) =>
            await budgets.DeleteAsync(CostingHttpQuery.Tenant(caller), id, ct).ConfigureAwait(false) ? Results.NoContent() : NotFound(id))
            .WithSummary("Deletes a budget and its counters.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return api;
    }

    private static IResult NoPrice(PriceRemoval removal, string what) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found",
            detail: $"{what} of model '{removal.Model}' at provider '{removal.Provider}'{(removal.EffectiveFrom is { } f ? string.Create(CultureInfo.InvariantCulture, $" from {f:O}") : "")}.");

    private static IResult NotFound(Guid id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No budget {id} in your tenant.");
}
