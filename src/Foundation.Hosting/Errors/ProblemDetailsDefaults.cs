using Foundation.Hosting.Correlation;
using Microsoft.AspNetCore.Http;

namespace Foundation.Hosting.Errors;

/// <summary>What every problem answer carries: the request id, the instance path and a type link.</summary>
internal static class ProblemDetailsDefaults
{
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var http = context.HttpContext;
        problem.Instance ??= http.Request.Path.Value;
        var requestId = http.Features.Get<IRequestIdFeature>()?.RequestId ?? http.TraceIdentifier;
        problem.Extensions["requestId"] = requestId;
    }
}
