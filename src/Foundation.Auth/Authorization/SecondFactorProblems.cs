using System.Globalization;
using Foundation.Auth.Tokens;
using Foundation.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Foundation.Auth.Authorization;

/// <summary>The 403 answer of the step-up policy (<see cref="SecondFactorRequirement"/>), as problem details.</summary>
internal static class SecondFactorProblems
{
    public const string StepUpRequiredReason = "second_factor_step_up_required";
    public const string VerifyPath = "/api/v1/totp/verify";

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
            Type = ProblemResponses.ForbiddenType,
            Title = "Recent second-factor verification required",
            Detail = hasSession
                ? $"This action needs a second factor verified within the last {window}: verify with your second factor (POST {verify} with a code from your authenticator app) and retry."
                : $"This action needs a signed-in user who verified a second factor within the last {window}; an API key cannot. Sign in, verify with your second factor (POST {verify}) and retry.",
        };
        problem.Extensions["reason"] = StepUpRequiredReason;
        problem.Extensions["maxAgeSeconds"] = seconds;
        problem.Extensions["verifyUrl"] = verify;
        return ProblemResponses.WriteAsync(context, problem);
    }
}
