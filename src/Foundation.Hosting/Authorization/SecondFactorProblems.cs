using System.Globalization;
using Foundation.Auth;
using Foundation.Auth.Tokens;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Hosting.Authorization;

/// <summary>The two 403 answers of the second-factor policies, as problem details.</summary>
internal static class SecondFactorProblems
{
    public const string EnrolmentRequiredReason = "second_factor_enrolment_required";
    public const string StepUpRequiredReason = "second_factor_step_up_required";
    public const string SetupPath = "/api/v1/totp/setup";
    public const string VerifyPath = "/api/v1/totp/verify";
    public const string EnablePath = "/api/v1/totp/enable";
    private const string ForbiddenType = "https://tools.ietf.org/html/rfc9110#section-15.5.4";

    /// <summary>A user holding <paramref name="role"/> (one of RequiredForRoles, directly or by a higher role) has no TOTP enabled.</summary>
    public static Task WriteEnrolmentRequiredAsync(HttpContext context, string role)
    {
        var setup = context.Request.PathBase.Add(SetupPath).Value!;
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status403Forbidden,
            Type = ForbiddenType,
            Title = "Two-factor authentication required",
            Detail = string.Create(
                CultureInfo.InvariantCulture,
                $"Accounts with the role '{role}'{(Roles.Rank(role) > 0 ? " or a role above it" : string.Empty)} must use two-factor authentication. Enrol an authenticator app: POST {setup}, then confirm with a code from the app at POST {context.Request.PathBase.Add(EnablePath).Value}; then retry."),
        };
        problem.Extensions["reason"] = EnrolmentRequiredReason;
        problem.Extensions["enrolUrl"] = setup;
        problem.Extensions["role"] = role;
        return WriteAsync(context, problem);
    }

    /// <summary>The caller's last second-factor verification is older than <paramref name="maxAge"/>, or there was none.</summary>
    public static Task WriteStepUpRequiredAsync(HttpContext context, TimeSpan maxAge)
    {
        var verify = context.Request.PathBase.Add(VerifyPath).Value!;
        var seconds = (long)Math.Ceiling(maxAge.TotalSeconds);
        var window = seconds % 60 == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 60} minute{(seconds == 60 ? string.Empty : "s")}")
            : string.Create(CultureInfo.InvariantCulture, $"{seconds} seconds");

        // An API key has no session, so it can never step up: say so instead of sending it to an endpoint it cannot use.
        var hasSession = context.User.FindFirst(AuthClaims.SessionId) is not null;
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status403Forbidden,
            Type = ForbiddenType,
            Title = "Recent second-factor verification required",
            Detail = hasSession
                ? $"This action needs a second factor verified within the last {window}: verify with your second factor (POST {verify} with a code from your authenticator app) and retry."
                : $"This action needs a signed-in user who verified a second factor within the last {window}; an API key cannot. Sign in, verify with your second factor (POST {verify}) and retry.",
        };
        problem.Extensions["reason"] = StepUpRequiredReason;
        problem.Extensions["maxAgeSeconds"] = seconds;
        problem.Extensions["verifyUrl"] = verify;
        return WriteAsync(context, problem);
    }

    /// <summary>The endpoint needs a signed-in user's session (<c>RolePolicies.UserSession</c>) and the caller has none (an API key).</summary>
    public static Task WriteSessionRequiredAsync(HttpContext context) => WriteAsync(context, new ProblemDetails
    {
        Status = StatusCodes.Status403Forbidden,
        Type = ForbiddenType,
        Title = "A user session is required",
        Detail = "This endpoint needs a signed-in user's access token; API keys cannot use it.",
    });

    private static async Task WriteAsync(HttpContext context, ProblemDetails problem)
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
