using System.Security.Claims;

namespace Foundation.Auth.Authentication;

/// <summary>The authentication schemes of Foundation access tokens and API keys.</summary>
public static class FoundationAuthenticationDefaults
{
    /// <summary>
    /// <c>Bearer</c>: <c>Authorization: Bearer &lt;jwt&gt;</c>, <c>Authorization: Bearer fnd_...</c> or <c>X-API-Key: fnd_...</c>.
    /// A policy scheme: a request with one <c>Authorization: Bearer</c> header holding anything but an API key, and no
    /// <c>X-API-Key</c> header, goes to <see cref="AccessTokenScheme"/>; every other request to <see cref="ApiKeyScheme"/>.
    /// </summary>
    public const string Scheme = "Bearer";

    /// <summary>
    /// <c>Foundation.AccessToken</c>: the JwtBearer scheme (<c>JwtBearerHandler</c>) that validates Foundation access tokens.
    /// Configure it with <c>services.Configure&lt;JwtBearerOptions&gt;(AccessTokenScheme, ...)</c>.
    /// </summary>
    public const string AccessTokenScheme = "Foundation.AccessToken";

    /// <summary>
    /// <c>Foundation.ApiKey</c>: the scheme (<see cref="FoundationApiKeyHandler"/>, options <see cref="FoundationBearerOptions"/>)
    /// of API keys, and of every request that is not an access token (no credentials, malformed headers).
    /// </summary>
    public const string ApiKeyScheme = "Foundation.ApiKey";

    /// <summary>The header an API key may also come in.</summary>
    public const string ApiKeyHeader = "X-API-Key";

    /// <summary>The prefix of every Foundation API key.</summary>
    public const string ApiKeyPrefix = "fnd_";
}

/// <summary>Authenticates a presented API key (<c>fnd_...</c>).</summary>
public interface IApiKeyAuthenticator
{
    /// <summary>
    /// Checks <paramref name="presentedKey"/> (format, known key id, secret hash in constant time, active, not expired,
    /// owner active) and records its use.
    /// </summary>
    /// <returns>The principal of the key's owner limited to its scopes, or a failure reason.</returns>
    ValueTask<CredentialCheck> AuthenticateAsync(string presentedKey, CancellationToken cancellationToken = default);
}

/// <summary>
/// Decides whether a validly signed access token is still good: its session is not revoked or expired, its user is
/// active, and the user's security stamp is the one in the token.
/// </summary>
public interface ISessionValidator
{
    /// <summary>Checks the session <paramref name="sessionId"/> of <paramref name="userId"/> against <paramref name="securityStamp"/>.</summary>
    ValueTask<CredentialCheck> ValidateAsync(Guid userId, Guid sessionId, string securityStamp, CancellationToken cancellationToken = default);
}

/// <summary>The outcome of checking a credential.</summary>
/// <param name="Principal">Who the credential stands for, when accepted.</param>
/// <param name="Failure">A short reason safe to show the caller, when refused.</param>
public sealed record CredentialCheck(ClaimsPrincipal? Principal, string? Failure)
{
    /// <summary>Accepted, as <paramref name="principal"/>.</summary>
    public static CredentialCheck Accepted(ClaimsPrincipal principal) => new(principal, null);

    /// <summary>Refused, because <paramref name="reason"/>.</summary>
    public static CredentialCheck Refused(string reason) => new(null, reason);

    /// <summary>Whether it was accepted.</summary>
    public bool Succeeded => Principal is not null;
}
