using Foundation.Costing.Budgets;
using Foundation.Costing.Pricing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Foundation.Costing.Http;

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
