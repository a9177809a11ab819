namespace Foundation.Auth.Authentication;

/// <summary>
/// Decides whether a validly signed access token is still good: its session is not revoked or expired, its user is
/// active, and the user's security stamp is the one in the token.
/// </summary>
public interface ISessionValidator
{
    /// <summary>Checks the session <paramref name="sessionId"/> of <paramref name="userId"/> against <paramref name="securityStamp"/>.</summary>
    ValueTask<CredentialCheck> ValidateAsync(Guid userId, Guid sessionId, string securityStamp, CancellationToken cancellationToken = default);
}
