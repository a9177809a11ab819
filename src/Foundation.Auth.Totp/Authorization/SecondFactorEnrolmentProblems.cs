using System.Globalization;
using Foundation.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Foundation.Auth.Totp.Authorization;

/// <summary>The 403 answer of the "2FA required for roles" policy, as problem details.</summary>
internal static class SecondFactorEnrolmentProblems
{
    public const string EnrolmentRequiredReason = "second_factor_enrolment_required";
    public const string SetupPath = "/api/v1/totp/setup";
    public const string EnablePath = "/api/v1/totp/enable";

    /// <summary>A user holding <paramref name="role"/> (one of RequiredForRoles, directly or by a higher role) has no TOTP enabled.</summary>
    public static Task WriteEnrolmentRequiredAsync(HttpContext context, string role)
    {
        var setup = context.Request.PathBase.Add(SetupPath).Value!;
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status403Forbidden,
            Type = ProblemResponses.ForbiddenType,
            Title = "Two-factor authentication required",
            Detail = string.Create(
                CultureInfo.InvariantCulture,
                $"Accounts with the role '{role}'{(Roles.Rank(role) > 0 ? " or a role above it" : string.Empty)} must use two-factor authentication. Enrol an authenticator app: POST {setup}, then confirm with a code from the app at POST {context.Request.PathBase.Add(EnablePath).Value}; then retry."),
        };
        problem.Extensions["reason"] = EnrolmentRequiredReason;
        problem.Extensions["enrolUrl"] = setup;
        problem.Extensions["role"] = role;
        return ProblemResponses.WriteAsync(context, problem);
    }
}
