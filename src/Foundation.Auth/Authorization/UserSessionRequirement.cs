using System.Security.Claims;
using Foundation.Auth.Tokens;
using Microsoft.AspNetCore.Authorization;

namespace Foundation.Auth.Authorization;

/// <summary>
/// Met when the caller is a signed-in user with a session: the principal carries a user id (<c>sub</c>) and a session id
/// (<c>sid</c>). API keys authenticate without a session and never meet it. <see cref="RolePolicies.UserSession"/> requires it.
/// </summary>
public sealed class UserSessionRequirement : AuthorizationHandler<UserSessionRequirement>, IAuthorizationRequirement
{
    /// <summary>Reads the user id and session id of <paramref name="user"/>; false when either is missing or not a GUID.</summary>
    public static bool TryGetSession(ClaimsPrincipal user, out Guid userId, out Guid sessionId)
    {
        ArgumentNullException.ThrowIfNull(user);
        sessionId = Guid.Empty;
        return Guid.TryParse(user.FindFirstValue(AuthClaims.Subject), out userId)
            && Guid.TryParse(user.FindFirstValue(AuthClaims.SessionId), out sessionId);
    }

    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, UserSessionRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (TryGetSession(context.User, out _, out _))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override string ToString() => "A signed-in user's session (API keys cannot use this endpoint).";
}
