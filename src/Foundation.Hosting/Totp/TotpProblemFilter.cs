using System.Security.Claims;
using Foundation.Auth.Tokens;
using Foundation.Auth.Totp;
using Foundation.Auth.Totp.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Hosting.Totp;

/// <summary>
/// Turns Foundation.Auth.Totp's typed refusals into problem answers: not enrolled -> 409, setup expired -> 410,
/// refused code -> 400 with the reason, or 429 with <c>Retry-After</c> when blocked. Validation, failed credentials and
/// conflicts are left to the <see cref="Auth.AuthProblemFilter"/> outside this one.
/// </summary>
internal sealed class TotpProblemFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (TotpNotEnrolledException ex)
        {
            return Results.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Two-factor authentication is not set up",
                Detail = ex.Message,
            });
        }
        catch (TotpSetupExpiredException ex)
        {
            return Results.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status410Gone,
                Title = "The setup has expired",
                Detail = ex.Message,
            });
        }
        catch (TotpCodeRefusedException ex) when (ex.Reason == TotpRefusalReason.Blocked)
        {
            var blockedUntil = await BlockedUntilAsync(context.HttpContext).ConfigureAwait(false);
            return TotpEndpoints.Blocked(context.HttpContext, blockedUntil);
        }
        catch (TotpCodeRefusedException ex)
        {
            return Refused(StatusCodes.Status400BadRequest, ex.Reason, ex.Message);
        }
    }

    internal static IResult Refused(int status, TotpRefusalReason reason, string detail)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Title = "The code was refused",
            Detail = detail,
        };
        problem.Extensions["reason"] = TotpEndpoints.ReasonName(reason);
        return Results.Problem(problem);
    }

    private static async Task<DateTimeOffset?> BlockedUntilAsync(HttpContext http)
    {
        if (!Guid.TryParse(http.User.FindFirstValue(AuthClaims.Subject), out var userId))
        {
            return null;
        }

        var db = http.RequestServices.GetRequiredService<TotpDbContext>();
        return await db.Enrollments.AsNoTracking().Where(e => e.UserId == userId).Select(e => e.BlockedUntil)
            .FirstOrDefaultAsync(http.RequestAborted).ConfigureAwait(false);
    }
}
