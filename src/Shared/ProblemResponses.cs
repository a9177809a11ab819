using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Http;

/// <summary>
/// Problem answers written outside an endpoint (by middleware or an authorization result handler), and the one answer
/// every package gives a caller without a user session. Shared source: compiled (internal) into each package that needs it.
/// </summary>
internal static class ProblemResponses
{
    /// <summary>The <c>type</c> of a 403 problem (RFC 9110 section 15.5.4), as ASP.NET Core's defaults give it.</summary>
    public const string ForbiddenType = "https://tools.ietf.org/html/rfc9110#section-15.5.4";

    /// <summary>The title of the 403 for a caller without a user session (an API key on a user-session endpoint).</summary>
    public const string SessionRequiredTitle = "A user session is required";

    /// <summary>The detail of that 403.</summary>
    public const string SessionRequiredDetail = "This endpoint needs a signed-in user's access token; API keys cannot use it.";

    /// <summary>The 403 "A user session is required", as an endpoint result.</summary>
    public static IResult SessionRequired() => Results.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        title: SessionRequiredTitle,
        detail: SessionRequiredDetail);

    /// <summary>The 403 "A user session is required", written by middleware.</summary>
    public static Task WriteSessionRequiredAsync(HttpContext context) => WriteAsync(context, new ProblemDetails
    {
        Status = StatusCodes.Status403Forbidden,
        Type = ForbiddenType,
        Title = SessionRequiredTitle,
        Detail = SessionRequiredDetail,
    });

    /// <summary>
    /// Writes <paramref name="problem"/> through the host's <see cref="IProblemDetailsService"/> (so its customisation,
    /// request id included, applies), or as plain <c>application/problem+json</c> when there is none. Nothing is written
    /// once the answer has started.
    /// </summary>
    public static async Task WriteAsync(HttpContext context, ProblemDetails problem)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = problem.Status!.Value;
        var service = context.RequestServices.GetService<IProblemDetailsService>();
        if (service is not null
            && await service.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).ConfigureAwait(false))
        {
            return;
        }

        await context.Response.WriteAsJsonAsync(problem, options: null, contentType: "application/problem+json", context.RequestAborted).ConfigureAwait(false);
    }
}
