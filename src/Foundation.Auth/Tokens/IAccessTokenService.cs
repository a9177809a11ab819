using System.Security.Claims;

namespace Foundation.Auth.Tokens;

/// <summary>The claim types of Foundation access tokens.</summary>
public static class AuthClaims
{
    /// <summary>The user id.</summary>
    public const string Subject = "sub";

    /// <summary>The tenant id (absent for the default tenant).</summary>
    public const string Tenant = "tenant";

    /// <summary>A role; one claim per role.</summary>
    public const string Role = "role";

    /// <summary>The session id.</summary>
    public const string SessionId = "sid";

    /// <summary>The user's security stamp when the token was issued.</summary>
    public const string SecurityStamp = "sst";

    /// <summary>The email.</summary>
    public const string Email = "email";

    /// <summary>When a second factor was last verified in the session (Unix seconds), if ever.</summary>
    public const string SecondFactorTime = "amr_2fa_at";

    /// <summary>The key id, on principals authenticated by an API key.</summary>
    public const string ApiKeyId = "api_key_id";

    /// <summary>A scope of an API key; one claim per scope.</summary>
    public const string Scope = "scope";

    /// <summary>
    /// The caller's team in the active organisation (<c>ICurrentCaller.TeamId</c>, Costing's team budget scope): the team
    /// the user was added to first there. Set on the principal of each request from the database, not carried in tokens.
    /// </summary>
    public const string Team = "team";
}

/// <summary>What goes into an access token.</summary>
/// <param name="UserId">The user.</param>
/// <param name="TenantId">The tenant (empty for the default tenant).</param>
/// <param name="Roles">The user's roles.</param>
/// <param name="SessionId">The session the token belongs to.</param>
/// <param name="SecurityStamp">The user's current security stamp.</param>
/// <param name="Email">The user's email.</param>
/// <param name="SecondFactorVerifiedAt">When a second factor was last verified in the session.</param>
public sealed record AccessTokenRequest(
    Guid UserId,
    string TenantId,
    IReadOnlyList<string> Roles,
    Guid SessionId,
    string SecurityStamp,
    string? Email = null,
    DateTimeOffset? SecondFactorVerifiedAt = null);

/// <summary>An issued access token.</summary>
/// <param name="Token">The compact JWT.</param>
/// <param name="ExpiresAt">When it expires.</param>
/// <param name="KeyId">The <c>kid</c> of the key that signed it.</param>
public sealed record IssuedAccessToken(string Token, DateTimeOffset ExpiresAt, string KeyId);

/// <summary>Why a token was refused.</summary>
public enum AccessTokenFailure
{
    /// <summary>It was accepted.</summary>
    None = 0,

    /// <summary>Not a well-formed JWT.</summary>
    Malformed = 1,

    /// <summary>The signature does not verify, or the algorithm is not allowed (including <c>none</c>).</summary>
    InvalidSignature = 2,

    /// <summary>The <c>kid</c> names no known key.</summary>
    UnknownKey = 3,

    /// <summary>Past its expiry (or not yet valid).</summary>
    Expired = 4,

    /// <summary>Wrong issuer or audience, or a required claim is missing.</summary>
    InvalidClaims = 5,
}

/// <summary>The outcome of validating an access token (signature, lifetime, issuer, audience; not revocation).</summary>
/// <param name="Principal">The token's claims when valid.</param>
/// <param name="Failure">Why it was refused.</param>
/// <param name="Message">A short reason, safe to show the caller.</param>
public sealed record AccessTokenValidation(ClaimsPrincipal? Principal, AccessTokenFailure Failure, string? Message)
{
    /// <summary>Whether the token is valid.</summary>
    public bool IsValid => Failure == AccessTokenFailure.None && Principal is not null;
}

/// <summary>Issues and validates Foundation access tokens (JWT) with the current signing keys.</summary>
public interface IAccessTokenService
{
    /// <summary>Issues a token signed with the current key.</summary>
    ValueTask<IssuedAccessToken> IssueAsync(AccessTokenRequest request, CancellationToken cancellationToken = default);

    /// <summary>Validates <paramref name="token"/>: algorithm, signature against the active and retired keys, lifetime, issuer, audience, required claims.</summary>
    ValueTask<AccessTokenValidation> ValidateAsync(string token, CancellationToken cancellationToken = default);
}

/// <summary>Keeps the signing keys: makes the first, rotates on schedule or on demand, retires old ones.</summary>
public interface ISigningKeyStore
{
    /// <summary>Every key that may still validate (the current one first).</summary>
    ValueTask<IReadOnlyList<Storage.SigningKeyRecord>> GetValidKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds a new key and retires the current one at <paramref name="retiredAt"/>, valid until <paramref name="validUntil"/>.</summary>
    ValueTask AddAndRetireAsync(Storage.SigningKeyRecord newKey, DateTimeOffset retiredAt, DateTimeOffset validUntil, CancellationToken cancellationToken = default);
}
