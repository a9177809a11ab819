using System.Security.Claims;
using Foundation.Auth.Authorization;
using Foundation.Callers;

namespace Foundation.Sample.Web;

/// <summary>A small API that shows correlation, rate limits and problem details at work.</summary>
internal static class SampleApi
{
    public static void MapSampleApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1").WithTags("Sample");

        api.MapGet("/hello", (ICurrentCaller caller, string? name) =>
        {
            if (name is { Length: > 100 })
            {
                return Results.ValidationProblem(
                    new Dictionary<string, string[]> { ["name"] = ["name must be at most 100 characters."] },
                    title: "The request is invalid");
            }

            return Results.Ok(new HelloResponse($"Hello, {name ?? "world"}!", caller.RequestId));
        })
        .WithName("Hello")
        .WithSummary("Greets the caller and echoes the request id.")
        .Produces<HelloResponse>()
        .ProducesValidationProblem();

        // Admins (and owners) only, and only with a second factor verified in the last 10 minutes: a login completed
        // with a code, or a step-up with POST /api/v1/totp/verify. Otherwise 403 second_factor_step_up_required.
        api.MapGet("/sample/secure-report", (ClaimsPrincipal user, TimeProvider time) =>
            Results.Ok(new SecureReportResponse(time.GetUtcNow(), user.GetSecondFactorVerifiedAt(), ["invoices: 42", "refunds: 3"])))
        .WithName("SecureReport")
        .WithSummary("A report for admins that needs a second factor verified within the last 10 minutes.")
        .Produces<SecureReportResponse>()
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .RequireAuthorization(RolePolicies.Admin)
        .RequireSecondFactor(TimeSpan.FromMinutes(10));
    }
}

/// <summary>The answer of <c>GET /api/v1/hello</c>.</summary>
/// <param name="Message">The greeting.</param>
/// <param name="RequestId">The correlation id of the request (also in the X-Request-ID header).</param>
internal sealed record HelloResponse(string Message, string? RequestId);

/// <summary>The answer of <c>GET /api/v1/sample/secure-report</c>.</summary>
/// <param name="GeneratedAt">When the report was made.</param>
/// <param name="SecondFactorVerifiedAt">When the caller last verified a second factor in this session.</param>
/// <param name="Lines">The report.</param>
internal sealed record SecureReportResponse(DateTimeOffset GeneratedAt, DateTimeOffset? SecondFactorVerifiedAt, IReadOnlyList<string> Lines);
