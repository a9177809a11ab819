using System.Globalization;
using System.Security.Claims;
using Foundation.Auth.Tokens;
using Foundation.Auth.Totp.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Auth.Totp.Http;

/// <summary>
/// Turns Foundation.Auth.Totp's typed refusals into problem answers: not enrolled -> 409, setup expired -> 410,
/// refused code -> 400 with the reason, or 429 with <c>Retry-After</c> when blocked. Validation, failed credentials and
/// conflicts are left to the <see cref="Foundation.Auth.Http.AuthProblemFilter"/> outside this one.
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
            return Blocked(context.HttpContext, blockedUntil);
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
        problem.Extensions["reason"] = ReasonName(reason);
        return Results.Problem(problem);
    }

    internal static string ReasonName(TotpRefusalReason reason) => reason switch
    {
        TotpRefusalReason.Replayed => "replayed",
        TotpRefusalReason.Blocked => "blocked",
        TotpRefusalReason.NotEnrolled => "notEnrolled",
        _ => "invalid",
    };

    internal static IResult Blocked(HttpContext http, DateTimeOffset? blockedUntil)
    {
        // AddFoundationTotp registers a TimeProvider (AddFoundationDefaults).
        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        if (blockedUntil is { } until)
        {
            var seconds = (long)Math.Ceiling(Math.Max(1, (until - now).TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status429TooManyRequests,
            Title = "Too many wrong codes",
            Detail = "Too many wrong codes; second-factor attempts are refused until the block ends.",
        };
        problem.Extensions["reason"] = ReasonName(TotpRefusalReason.Blocked);
        if (blockedUntil is not null)
        {
            problem.Extensions["blockedUntil"] = blockedUntil;
        }

        return Results.Problem(problem);
    }

    /// <summary>A code refused at login: 429 when blocked, else 401 with <c>WWW-Authenticate: Bearer</c>.</summary>
    internal static IResult RefusedAtLogin(HttpContext http, TotpVerificationResult result)
    {
        if (result.BlockedUntil is { } until)
        {
            return Blocked(http, until);
        }

        http.Response.Headers.WWWAuthenticate = "Bearer";
        return Refused(StatusCodes.Status401Unauthorized, result.Reason, new TotpCodeRefusedException(result.Reason).Message);
    }

    /// <summary>A code refused in a step-up: 429 when blocked, else 400 with the reason.</summary>
    internal static IResult RefusedAtStepUp(HttpContext http, TotpVerificationResult result) =>
        result.BlockedUntil is { } until
            ? Blocked(http, until)
            : Refused(StatusCodes.Status400BadRequest, result.Reason, new TotpCodeRefusedException(result.Reason).Message);

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
