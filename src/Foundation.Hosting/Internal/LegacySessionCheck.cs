using System.Security.Claims;
using Foundation.Auth.Authorization;
using Microsoft.AspNetCore.Http;

namespace Foundation.Hosting.Auth;

/// <summary>
/// The per-handler "a user session is required" check that the LLM endpoints still call. Foundation.Auth's endpoints
/// moved to the package and use the <c>UserSession</c> policy instead; this copy goes when the LLM endpoints move too.
/// </summary>
internal static class AuthEndpoints
{
    internal static bool TryGetSession(ClaimsPrincipal user, out Guid userId, out Guid sessionId) =>
        UserSessionRequirement.TryGetSession(user, out userId, out sessionId);

    internal static IResult SessionRequired() => Results.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        title: "A user session is required",
        detail: "This endpoint needs a signed-in user's access token; API keys cannot use it.");
}
