using System.Security.Claims;

namespace Foundation.Auth.Tokens;

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
