using Foundation.Auth.Authentication;
using Microsoft.IdentityModel.Tokens;

namespace Foundation.Auth.Tokens;

/// <summary>The strict <see cref="TokenValidationParameters"/> of Foundation access tokens.</summary>
internal static class AccessTokenParameters
{
    /// <summary>The <c>typ</c> header of Foundation access tokens (RFC 9068).</summary>
    public const string TokenType = "at+jwt";

    private static readonly string[] ValidTypes = [TokenType];

    private static readonly string[] SupportedAlgorithms =
        [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSha256];

    /// <summary>
    /// Only <paramref name="key"/>, only its algorithm (so neither <c>none</c> nor an algorithm-confusion token passes), the
    /// configured issuer and audience, and the <c>at+jwt</c> type; built once per key and reused. Lifetimes are checked by
    /// the caller against the injected <see cref="TimeProvider"/>.
    /// </summary>
    public static TokenValidationParameters Create(TokenOptions options, SecurityKey key, string algorithm)
    {
        var parameters = new TokenValidationParameters();
        Apply(parameters, options);
        parameters.IssuerSigningKey = key;
        parameters.ValidAlgorithms = [SigningKeyMaterial.SecurityAlgorithm(algorithm)];
        return parameters;
    }

    /// <summary>
    /// The same rules on the parameters of the JwtBearer access-token scheme, whose key comes from
    /// <paramref name="resolveKey"/> (the ring's key for the token's <c>kid</c>); the algorithm is matched to that key
    /// before the handler runs (in <c>OnMessageReceived</c>), and only the suite's three algorithms are allowed at all.
    /// </summary>
    public static void ApplyToScheme(TokenValidationParameters parameters, TokenOptions options, IssuerSigningKeyResolver resolveKey)
    {
        Apply(parameters, options);
        parameters.IssuerSigningKey = null;
        parameters.IssuerSigningKeys = null;
        parameters.IssuerSigningKeyResolver = resolveKey;
        parameters.ValidAlgorithms = SupportedAlgorithms;
    }

    private static void Apply(TokenValidationParameters parameters, TokenOptions options)
    {
        parameters.TryAllIssuerSigningKeys = false;
        parameters.RequireSignedTokens = true;
        parameters.ValidateIssuerSigningKey = false;
        parameters.ValidateIssuer = true;
        parameters.ValidIssuer = options.Issuer;
        parameters.ValidateAudience = true;
        parameters.RequireAudience = true;
        parameters.ValidAudience = options.Audience;
        parameters.ValidTypes = ValidTypes;
        parameters.ValidateLifetime = false;
        parameters.RequireExpirationTime = false;
        parameters.ValidateTokenReplay = false;
        parameters.ValidateActor = false;
        parameters.SaveSigninToken = false;
        parameters.LogValidationExceptions = false;
        parameters.AuthenticationType = FoundationAuthenticationDefaults.Scheme;
        parameters.NameClaimType = AuthClaims.Subject;
        parameters.RoleClaimType = AuthClaims.Role;
        parameters.ClockSkew = TimeSpan.FromSeconds(options.ClockSkewSeconds);
    }
}
