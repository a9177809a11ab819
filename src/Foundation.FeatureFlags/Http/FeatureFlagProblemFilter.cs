using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Foundation.FeatureFlags.Http;

/// <summary>
/// Turns a <see cref="FeatureFlagException"/> into a problem (RFC 9457) with its status and a detail naming what is wrong: 400 with
/// <c>errors</c> keyed by the field and <c>field</c>, 404 for a flag the organisation does not have, 409 for a taken name.
/// </summary>
internal sealed class FeatureFlagProblemFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (FeatureFlagException ex) when (!context.HttpContext.Response.HasStarted)
        {
            return Problem(ex);
        }
    }

    internal static IResult Problem(FeatureFlagException ex)
    {
        ProblemDetails problem = ex.StatusCode == StatusCodes.Status400BadRequest
            ? new HttpValidationProblemDetails(new Dictionary<string, string[]>(StringComparer.Ordinal) { [ex.Field] = [ex.Message] }) { Title = "The request is invalid" }
            : new ProblemDetails
            {
                Title = ex switch
                {
                    FeatureFlagNotFoundException => "Feature flag not found",
                    _ => "Feature flag conflict",
                },
            };
        problem.Status = ex.StatusCode;
        problem.Detail = ex.Message;
        problem.Extensions["field"] = ex.Field;
        return Results.Problem(problem);
    }
}
