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
    }
}

/// <summary>The answer of <c>GET /api/v1/hello</c>.</summary>
/// <param name="Message">The greeting.</param>
/// <param name="RequestId">The correlation id of the request (also in the X-Request-ID header).</param>
internal sealed record HelloResponse(string Message, string? RequestId);
