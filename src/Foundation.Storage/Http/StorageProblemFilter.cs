using Microsoft.AspNetCore.Http;

namespace Foundation.Storage.Http;

/// <summary>
/// Turns a <see cref="StorageException"/> into a problem (RFC 9457) with its status and a detail naming what is wrong: 400 with <c>errors</c>
/// and <c>field</c>, 403 for a refused link, 404 for an unknown id, 413 with <c>limit</c>, 415 with <c>detectedType</c>.
/// </summary>
internal sealed class StorageProblemFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (StorageException ex) when (!context.HttpContext.Response.HasStarted)
        {
            return Problem(ex);
        }
    }

    internal static IResult Problem(StorageException ex)
    {
        Microsoft.AspNetCore.Mvc.ProblemDetails problem = ex.StatusCode == StatusCodes.Status400BadRequest
            ? new HttpValidationProblemDetails(new Dictionary<string, string[]>(StringComparer.Ordinal) { [ex.Field] = [ex.Message] }) { Title = "The request is invalid" }
            : new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Title = ex switch
                {
                    StorageFileNotFoundException => "File not found",
                    StorageLimitExceededException => "File too large",
                    StorageUnsupportedTypeException => "Unsupported file type",
                    _ => "Link refused",
                },
            };
        problem.Status = ex.StatusCode;
        problem.Detail = ex.Message;
        problem.Extensions["field"] = ex.Field;
        switch (ex)
        {
            case StorageLimitExceededException limit:
                problem.Extensions["limit"] = limit.Limit;
                break;
            case StorageUnsupportedTypeException type:
                problem.Extensions["detectedType"] = type.DetectedType;
                if (type.DeclaredType is not null)
                {
                    problem.Extensions["declaredType"] = type.DeclaredType;
                }

                break;
        }

        return Results.Problem(problem);
    }
}
