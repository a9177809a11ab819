namespace Foundation.Auth.Tokens;

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
