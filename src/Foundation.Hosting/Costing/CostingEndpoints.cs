using System.Globalization;
using System.Security.Claims;
using System.Text;
using Foundation.Auth.Authorization;
using Foundation.Callers;
using Foundation.Costing;
using Foundation.Costing.Analytics;
using Foundation.Costing.Budgets;
using Foundation.Costing.Pricing;
using Foundation.Hosting.Logging;
using Foundation.Hosting.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Foundation.Hosting.Costing;

/// <summary>
/// Foundation.Costing over HTTP: analytics, CSV export and prices under <c>/api/v1/costs</c> and budgets under <c>/api/v1/budgets</c>
/// (admins of the caller's tenant), and <c>/api/v1/usage/me</c> (any signed-in caller). The tenant always comes from the caller.
/// </summary>
internal static class CostingEndpoints
{
    public static void MapCostingEndpoints(IEndpointRouteBuilder endpoints)
    {
        var costs = endpoints.MapGroup("/api/v1/costs")
            .WithTags("Costs")
            .WithMetadata(new RateLimitGroupAttribute(RateLimitGroups.Api))
            .AddEndpointFilter<CostingProblemFilter>()
            .RequireAuthorization(RolePolicies.Admin);

        costs.MapGet("/summary", async (HttpRequest request, ClaimsPrincipal user, CostAnalyticsService analytics, CancellationToken ct) =>
            Results.Ok(await analytics.GetSummaryAsync(Query(request, user), ct).ConfigureAwait(false)))
            .WithSummary("KPIs of the tenant over range (24h, 7d, 30d, 90d) or from/to: requests, unique users, error rate, latency, cost, tokens.")
            .Produces<CostSummary>()
            .ProducesValidationProblem();

        costs.MapGet("/timeseries", async (HttpRequest request, ClaimsPrincipal user, CostAnalyticsService analytics, string? interval, string? groupBy, CancellationToken ct) =>
            Results.Ok(await analytics.GetTimeSeriesAsync(Query(request, user), interval, groupBy, ct).ConfigureAwait(false)))
            .WithSummary("Hour or day buckets (interval), optionally split by groupBy (provider, model, user, apikey, team, deployment).")
            .Produces<IReadOnlyList<TimeSeriesPoint>>()
            .ProducesValidationProblem();

        costs.MapGet("/by/{dimension}", async (string dimension, HttpRequest request, ClaimsPrincipal user, CostAnalyticsService analytics, CancellationToken ct) =>
        {
            var limit = Int(request, "limit") ?? 100;
            return Results.Ok(await analytics.GetBreakdownAsync(Query(request, user), dimension, limit, ct).ConfigureAwait(false));
        })
            .WithSummary("Totals by provider, model, user, tenant, apikey, team or deployment, largest cost first (limit, default 100).")
            .Produces<IReadOnlyList<BreakdownRow>>()
            .ProducesValidationProblem();

        costs.MapGet("/export", async (HttpContext http, ClaimsPrincipal user, CostAnalyticsService analytics, CancellationToken ct) =>
        {
            var query = Query(http.Request, user);

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

        costs.MapGet("/prices", async (PriceCatalogService prices, string? provider, string? model, CancellationToken ct) =>
            Results.Ok(await prices.ListAsync(provider, model, ct).ConfigureAwait(false)))
            .WithSummary("The prices in effect (shipped catalog, configuration, database), USD per one million tokens.")
            .Produces<IReadOnlyList<PriceEntry>>();

        costs.MapPut("/prices", async (PriceChange body, ClaimsPrincipal user, PriceCatalogService prices, CancellationToken ct) =>
            Results.Ok(await prices.SetPriceAsync(body, CallerClaims.UserId(user), ct).ConfigureAwait(false)))
            .WithSummary("Sets a price in the database (wins over configuration and the catalog) from effectiveFrom (default now).")
            .Produces<PriceEntry>()
            .ProducesValidationProblem();

        endpoints.MapGet("/api/v1/usage/me", async (HttpRequest request, ICurrentCaller caller, CostAnalyticsService analytics, BudgetService budgets, CancellationToken ct) =>
        {
            var usage = await analytics.GetCallerUsageAsync(caller, Text(request, "range"), Date(request, "from"), Date(request, "to"), ct).ConfigureAwait(false);
            var applicable = await budgets.ListForCallerAsync(caller, ct).ConfigureAwait(false);
            return Results.Ok(new UsageMeResponse(usage, applicable));
        })
            .WithTags("Costs")
            .WithMetadata(new RateLimitGroupAttribute(RateLimitGroups.Api))
            .AddEndpointFilter<CostingProblemFilter>()
            .WithSummary("Your own totals (requests, tokens, cost) over range or from/to, and the budgets that apply to you with your counters.")
            .Produces<UsageMeResponse>()
            .ProducesValidationProblem()
            .RequireAuthorization();

        var budgetGroup = endpoints.MapGroup("/api/v1/budgets")
            .WithTags("Budgets")
            .WithMetadata(new RateLimitGroupAttribute(RateLimitGroups.Api))
            .AddEndpointFilter<CostingProblemFilter>()
            .RequireAuthorization(RolePolicies.Admin);

        budgetGroup.MapGet("/", async (ClaimsPrincipal user, BudgetService budgets, CancellationToken ct) =>
            Results.Ok(await budgets.ListAsync(Tenant(user), ct).ConfigureAwait(false)))
            .WithSummary("The tenant's budgets with their current period's utilisation.")
            .Produces<IReadOnlyList<BudgetView>>();

        budgetGroup.MapPost("/", async (BudgetDefinition body, ClaimsPrincipal user, BudgetService budgets, CancellationToken ct) =>
        {
            var created = await budgets.CreateAsync(Tenant(user), body, ct).ConfigureAwait(false);
            return Results.Created($"/api/v1/budgets/{created.Id}", created);
        })
            .WithSummary("Creates a budget: {name, scope (tenant, team, user, apikey, role), scopeValue, period (day, week, month, rolling), rollingHours?, limitUsd?, limitTokens?, thresholds?, hardLimit?, enabled?}.")
            .Produces<BudgetView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        budgetGroup.MapGet("/{id:guid}", async (Guid id, ClaimsPrincipal user, BudgetService budgets, CancellationToken ct) =>
            await budgets.GetAsync(Tenant(user), id, ct).ConfigureAwait(false) is { } view ? Results.Ok(view) : NotFound(id))
            .WithSummary("A budget of the tenant with its utilisation.")
            .Produces<BudgetView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        budgetGroup.MapPut("/{id:guid}", async (Guid id, BudgetDefinition body, ClaimsPrincipal user, BudgetService budgets, CancellationToken ct) =>
            await budgets.UpdateAsync(Tenant(user), id, body, ct).ConfigureAwait(false) is { } view ? Results.Ok(view) : NotFound(id))
            .WithSummary("Changes a budget; fields left out keep their value.")
            .Produces<BudgetView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        budgetGroup.MapDelete("/{id:guid}", async (Guid id, ClaimsPrincipal user, BudgetService budgets, CancellationToken ct) =>
            await budgets.DeleteAsync(Tenant(user), id, ct).ConfigureAwait(false) ? Results.NoContent() : NotFound(id))
            .WithSummary("Deletes a budget and its counters.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>The caller's tenant (the default tenant is empty), never one named by the request.</summary>
    internal static string Tenant(ClaimsPrincipal user) => CallerClaims.TenantId(user) ?? "";

    private static AnalyticsQuery Query(HttpRequest request, ClaimsPrincipal user) => new()
    {
        TenantId = Tenant(user),
        Range = Text(request, "range"),
        From = Date(request, "from"),
        To = Date(request, "to"),
        Provider = Text(request, "provider"),
        Model = Text(request, "model"),
        UserId = Text(request, "userId"),
        ApiKeyId = Text(request, "apiKeyId"),
        TimeZone = Text(request, "timeZone"),
    };

    private static string? Text(HttpRequest request, string name)
    {
        var value = request.Query[name].ToString();
        if (value.Length == 0)
        {
            return null;
        }

        return value.Length <= 200 ? value : throw new CostingValidationException(name, $"{name} is at most 200 characters.");
    }

    private static DateTimeOffset? Date(HttpRequest request, string name)
    {
        var value = Text(request, name);
        if (value is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed
            : throw new CostingValidationException(name, $"{name} '{value}' is not a date; use ISO 8601, for example 2026-11-01T00:00:00Z.");
    }

    private static int? Int(HttpRequest request, string name)
    {
        var value = Text(request, name);
        if (value is null)
        {
            return null;
        }

        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed is >= 1 and <= 1000
            ? parsed
            : throw new CostingValidationException(name, $"{name} '{value}' must be a whole number from 1 to 1000.");
    }

    private static IResult NotFound(Guid id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No budget {id} in your tenant.");
}

/// <summary>The answer of <c>GET /api/v1/usage/me</c>.</summary>
/// <param name="Usage">The caller's totals over the range.</param>
/// <param name="Budgets">The budgets that apply to the caller, with the caller's own counters for role budgets.</param>
internal sealed record UsageMeResponse(CallerUsage Usage, IReadOnlyList<BudgetView> Budgets);

/// <summary>An amount of a budget: money and/or tokens.</summary>
/// <param name="Usd">USD.</param>
/// <param name="Tokens">Tokens.</param>
internal sealed record BudgetAmount(decimal? Usd, long? Tokens);

/// <summary>Costing's typed failures as problem details: validation 400 naming the field, duplicate name 409.</summary>
internal sealed class CostingProblemFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (CostingValidationException ex) when (!context.HttpContext.Response.HasStarted)
        {
            // ArgumentException appends " (Parameter 'field')" to its message; the field is in "field" and "errors" already.
            var suffix = $" (Parameter '{ex.ParamName}')";
            var message = ex.Message.EndsWith(suffix, StringComparison.Ordinal) ? ex.Message[..^suffix.Length] : ex.Message;
            var problem = new HttpValidationProblemDetails(new Dictionary<string, string[]>(StringComparer.Ordinal) { [ex.Field] = [message] })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request is invalid",
                Detail = message,
            };
            problem.Extensions["field"] = ex.Field;
            return Results.Problem(problem);
        }
        catch (BudgetConflictException ex) when (!context.HttpContext.Response.HasStarted)
        {
            return Results.Problem(new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "Conflict", Detail = ex.Message });
        }
    }
}
