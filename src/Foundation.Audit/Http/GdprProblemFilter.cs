using Foundation.Audit.PersonalData;
using Microsoft.AspNetCore.Http;

namespace Foundation.Audit.Http;

/// <summary>
/// The GDPR API's problems: <see cref="AuditValidationException"/> is a 400 naming the field; <see cref="PersonalDataUnavailableException"/>
/// (a provider failed) is a 503 <c>personal_data_unavailable</c> naming the failed and completed sections, never a 500.
/// </summary>
internal sealed class GdprProblemFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (AuditValidationException ex) when (!context.HttpContext.Response.HasStarted)
        {
            return AuditProblemFilter.Problem(ex.Field, ex.Reason);
        }
        catch (PersonalDataUnavailableException ex) when (!context.HttpContext.Response.HasStarted)
        {
            context.HttpContext.Response.Headers.RetryAfter = "5";
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Personal data unavailable", detail: ex.Message,
                type: "personal_data_unavailable",
                extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["code"] = "personal_data_unavailable", ["failed"] = ex.Failed, ["completed"] = ex.Completed });
        }
    }
}
