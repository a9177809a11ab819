using Foundation.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace Foundation.Auth.Authorization;

/// <summary>
/// Answers a refusal caused only by <see cref="SecondFactorRequirement"/> with a 403 problem that says how to step up
/// (<c>second_factor_step_up_required</c>, <c>maxAgeSeconds</c>); everything else goes to ASP.NET Core's default handler
/// (a challenge or the Bearer scheme's <c>forbidden</c> problem). When another requirement failed too (a missing role),
/// a step-up would not help, so the answer stays the plain 403. A refusal caused only by <see cref="UserSessionRequirement"/>
/// (an API key on a user-session endpoint) is the 403 "A user session is required". <c>AddFoundationAuth</c> registers it
/// in place of ASP.NET Core's default handler, but never over one the host registered itself.
/// </summary>
internal sealed class FoundationAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        if (authorizeResult.Forbidden
            && authorizeResult.AuthorizationFailure is { FailCalled: false } failure
            && failure.FailedRequirements.Any()
            && failure.FailedRequirements.All(r => r is SecondFactorRequirement))
        {
            var maxAge = failure.FailedRequirements.Cast<SecondFactorRequirement>().Min(r => r.MaxAge);
            return SecondFactorProblems.WriteStepUpRequiredAsync(context, maxAge);
        }

        if (authorizeResult.Forbidden
            && authorizeResult.AuthorizationFailure is { FailCalled: false } sessionFailure
            && sessionFailure.FailedRequirements.Any()
            && sessionFailure.FailedRequirements.All(r => r is UserSessionRequirement))
        {
            return ProblemResponses.WriteSessionRequiredAsync(context);
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
