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
/// Foundation.Costing over HTTP: analytics, CSV export and the tenant's prices under <c>/api/v1/costs</c> and budgets under <c>/api/v1/budgets</c>
/// (admins of the caller's tenant), the global price catalog under <c>/api/v1/costs/prices/global</c> (platform operators only) and
/// <c>/api/v1/usage/me</c> (any signed-in caller). The tenant always comes from the caller.
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

        costs.MapGet("/prices", async (HttpRequest request, ClaimsPrincipal user, PriceCatalogService prices, CancellationToken ct) =>
            Results.Ok(await prices.ListForTenantAsync(Tenant(user), Text(request, "provider"), Text(request, "model"), ct).ConfigureAwait(false)))
            .WithSummary("The prices your tenant is charged, USD per one million tokens: your tenant's overrides (isOverride) and the global prices " +
                "(shipped catalog, configuration, platform operators); inEffect marks the entry a call to exactly that provider and model is charged now.")
            .Produces<IReadOnlyList<TenantPriceEntry>>();

        costs.MapPut("/prices", async (PriceChange body, ClaimsPrincipal user, PriceCatalogService prices, CancellationToken ct) =>
            Results.Ok(await prices.SetTenantPriceAsync(Tenant(user), body, ct).ConfigureAwait(false)))
            .WithSummary("Sets your tenant's own price of a model the catalog prices, from effectiveFrom (default now). It applies to your tenant only; " +
                "the global catalog is changed by platform operators (PUT /api/v1/costs/prices/global).")
            .Produces<PriceEntry>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        costs.MapDelete("/prices", async (HttpRequest request, ClaimsPrincipal user, PriceCatalogService prices, CancellationToken ct) =>
        {
            var removal = await PriceRemoval.ReadAsync(request, ct).ConfigureAwait(false);
            var removed = await prices.RemoveTenantPriceAsync(Tenant(user), removal.Provider!, removal.Model!, removal.EffectiveFrom, ct).ConfigureAwait(false);
            return removed > 0 ? Results.NoContent() : NoPrice(removal, "Your tenant has no price override");
        })
            .WithSummary("Removes your tenant's override of a model ({provider, model, effectiveFrom?} in the body or the query; every date when " +
                "effectiveFrom is left out): your tenant is charged the global price again.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        // The global catalog: platform operators only (Foundation:Auth:PlatformOperators), whatever their role in their own tenant.
        var global = endpoints.MapGroup("/api/v1/costs/prices/global")
            .WithTags("Costs")
            .WithMetadata(new RateLimitGroupAttribute(RateLimitGroups.Api))
            .AddEndpointFilter<CostingProblemFilter>()
            .RequireAuthorization(RolePolicies.PlatformOperator);

        global.MapGet("/", async (HttpRequest request, PriceCatalogService prices, CancellationToken ct) =>
            Results.Ok(await prices.ListAsync(Text(request, "provider"), Text(request, "model"), ct).ConfigureAwait(false)))
            .WithSummary("The global prices every tenant without an override is charged (database, configuration, shipped catalog). Platform operators only.")
            .Produces<IReadOnlyList<PriceEntry>>()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        global.MapPut("/", async (PriceChange body, ClaimsPrincipal user, PriceCatalogService prices, CancellationToken ct) =>
            Results.Ok(await prices.SetPriceAsync(body, CallerClaims.UserId(user), ct).ConfigureAwait(false)))
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

    private static IResult NoPrice(PriceRemoval removal, string what) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found",
            detail: $"{what} of model '{removal.Model}' at provider '{removal.Provider}'{(removal.EffectiveFrom is { } f ? string.Create(CultureInfo.InvariantCulture, $" from {f:O}") : "")}.");

    private static IResult NotFound(Guid id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No budget {id} in your tenant.");
}

/// <summary>
/// Which price to remove (<c>DELETE /api/v1/costs/prices</c> and <c>/global</c>): <c>{provider, model, effectiveFrom?}</c> as a JSON body
/// or as query parameters (the body wins field by field).
/// </summary>
/// <param name="Provider">Provider, for example <c>openai</c>.</param>
/// <param name="Model">Model id, for example <c>gpt-4o-mini</c>.</param>
/// <param name="EffectiveFrom">The date of the one price to remove; every date when left out.</param>
internal sealed record PriceRemoval(string? Provider, string? Model, DateTimeOffset? EffectiveFrom)
{
    public static async Task<PriceRemoval> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        PriceRemoval? body = null;
        if (request.ContentLength is > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0))
        {
            if (!request.HasJsonContentType())
            {
                throw new CostingValidationException("body", "The body must be JSON (Content-Type: application/json): {\"provider\": ..., \"model\": ..., \"effectiveFrom\": ...}.");
            }

            try
            {
                body = await request.ReadFromJsonAsync<PriceRemoval>(cancellationToken).ConfigureAwait(false);
            }
            catch (System.Text.Json.JsonException ex)
            {
                throw new CostingValidationException(ex.Path is { Length: > 2 } path ? path[2..] : "body", $"The body is not valid JSON at '{ex.Path ?? "$"}': {{\"provider\": ..., \"model\": ..., \"effectiveFrom\": ...}}.");
            }
        }

        var provider = body?.Provider ?? Query(request, "provider");
        var model = body?.Model ?? Query(request, "model");
        var from = body?.EffectiveFrom ?? QueryDate(request, "effectiveFrom");
        if (string.IsNullOrWhiteSpace(provider))
        {
            throw new CostingValidationException("provider", "provider is required (in the JSON body or the query) to name the price to remove.");
        }

        if (string.IsNullOrWhiteSpace(model))
        {
            throw new CostingValidationException("model", "model is required (in the JSON body or the query) to name the price to remove.");
        }

        return new PriceRemoval(provider, model, from);
    }

    private static string? Query(HttpRequest request, string name) => request.Query[name].ToString() is { Length: > 0 } v ? v : null;

    private static DateTimeOffset? QueryDate(HttpRequest request, string name) =>
        Query(request, name) is not { } value
            ? null
            : DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
                ? parsed
                : throw new CostingValidationException(name, $"{name} '{value}' is not a date; use ISO 8601, for example 2026-11-01T00:00:00Z.");
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
        catch (PriceOverrideLimitException ex) when (!context.HttpContext.Response.HasStarted)
        {
            return Results.Problem(new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "Too many price overrides", Detail = ex.Message });
        }
    }
}
