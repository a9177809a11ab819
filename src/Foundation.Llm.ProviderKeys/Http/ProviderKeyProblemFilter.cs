using Foundation.Llm.Routing.Outbound;
using Foundation.Llm.Routing.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Foundation.Llm.ProviderKeys.Http;

/// <summary>
/// Provider-key refusals as problems: validation -> 400 naming the field, tenant scope without the role -> 403, a base URL the
/// outbound address guard refuses when the key is tested -> 422 naming the rule (the refusal is recorded as a failed test).
/// </summary>
internal sealed class ProviderKeyProblemFilter : IEndpointFilter
{
    /// <summary>The same <c>code</c> the gateway answers for a refused caller-supplied base URL.</summary>
    private const string OutboundAddressRefusedCode = "outbound_address_refused";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (ProviderKeyValidationException ex)
        {
            var problem = new HttpValidationProblemDetails(new Dictionary<string, string[]>(StringComparer.Ordinal) { [ex.Field] = [ex.Message] })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request is invalid",
                Detail = ex.Message,
            };
            problem.Extensions["field"] = ex.Field;
            return Results.Problem(problem);
        }
        catch (ProviderKeyForbiddenException ex)
        {
            return Results.Problem(new ProblemDetails { Status = StatusCodes.Status403Forbidden, Title = "Forbidden", Detail = ex.Message });
        }
        catch (OutboundAddressRefusedException ex)
        {
            var problem = new ProblemDetails { Status = StatusCodes.Status422UnprocessableEntity, Title = "The provider address is refused", Detail = ex.Message };
            problem.Extensions["code"] = OutboundAddressRefusedCode;
            problem.Extensions["field"] = "baseUrl";
            problem.Extensions["rule"] = ex.Rule;
            problem.Extensions["host"] = ex.Host;
            return Results.Problem(problem);
        }
    }
}
