using Foundation.Auth.Authentication;
using Microsoft.IdentityModel.Tokens;

namespace Foundation.Auth.Tokens;

/// <summary>The strict <see cref="TokenValidationParameters"/> of one signing key, built once per key and reused.</summary>
internal static class AccessTokenParameters
{
    /// <summary>The <c>typ</c> header of Foundation access tokens (RFC 9068).</summary>
    public const string TokenType = "at+jwt";

    private static readonly string[] ValidTypes = [TokenType];

    /// <summary>
    /// Only <paramref name="key"/>, only its algorithm (so neither <c>none</c> nor an algorithm-confusion token passes), the
    /// configured issuer and audience, and the <c>at+jwt</c> type. Lifetimes are checked by the caller against the injected
    /// <see cref="TimeProvider"/>.
    /// </summary>
    public static TokenValidationParameters Create(TokenOptions options, SecurityKey key, string algorithm) => new()
    {
        IssuerSigningKey = key,
        TryAllIssuerSigningKeys = false,
        ValidAlgorithms = [SigningKeyMaterial.SecurityAlgorithm(algorithm)],
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = false,
        ValidateIssuer = true,
        ValidIssuer = options.Issuer,
        ValidateAudience = true,
        RequireAudience = true,
        ValidAudience = options.Audience,
        ValidTypes = ValidTypes,
        ValidateLifetime = false,
        RequireExpirationTime = false,
        ValidateTokenReplay = false,
        ValidateActor = false,
        SaveSigninToken = false,
        LogValidationExceptions = false,
        AuthenticationType = FoundationAuthenticationDefaults.Scheme,
        NameClaimType = AuthClaims.Subject,
        RoleClaimType = AuthClaims.Role,
        ClockSkew = TimeSpan.FromSeconds(options.ClockSkewSeconds),
    };
}
