using Microsoft.AspNetCore.Http;

namespace Foundation.Audit.Http;

/// <summary>Turns <see cref="AuditValidationException"/> into a 400 problem naming the field (<c>errors</c> and <c>field</c>).</summary>
internal sealed class AuditProblemFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (AuditValidationException ex) when (!context.HttpContext.Response.HasStarted)
        {
            return Problem(ex.Field, ex.Reason);
        }
    }

    internal static IResult Problem(string field, string message)
    {
        var problem = new HttpValidationProblemDetails(new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is invalid",
            Detail = message,
        };
        problem.Extensions["field"] = field;
        return Results.Problem(problem);
    }
}
