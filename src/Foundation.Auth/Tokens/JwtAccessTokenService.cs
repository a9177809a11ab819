using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Foundation.Auth.Tokens;

/// <summary>
/// <see cref="IAccessTokenService"/> on <see cref="JsonWebTokenHandler"/> with the keys of a <see cref="SigningKeyRing"/>:
/// short-lived <c>at+jwt</c> tokens carrying <c>sub</c>, <c>tenant</c>, <c>role</c>, <c>sid</c> and <c>sst</c>.
/// </summary>
internal sealed class JwtAccessTokenService : IAccessTokenService
{
    /// <summary>The longest token accepted, in characters; Foundation access tokens are well under 2 KB.</summary>
    internal const int MaxTokenLength = 8 * 1024;

    private static readonly AccessTokenValidation Empty = Refuse(AccessTokenFailure.Malformed, "No token was presented.");
    private static readonly AccessTokenValidation TooLong = Refuse(AccessTokenFailure.Malformed, "The token is too long to be an access token.");
    private static readonly AccessTokenValidation NotAJwt = Refuse(AccessTokenFailure.Malformed, "The token is not a well-formed signed JWT.");
    private static readonly AccessTokenValidation BadAlgorithm = Refuse(AccessTokenFailure.InvalidSignature, "The token's signing algorithm is not accepted.");
    private static readonly AccessTokenValidation NoKeyId = Refuse(AccessTokenFailure.InvalidSignature, "The token names no signing key (kid).");
    private static readonly AccessTokenValidation UnknownKey = Refuse(AccessTokenFailure.UnknownKey, "The token was signed with an unknown key.");
    private static readonly AccessTokenValidation BadSignature = Refuse(AccessTokenFailure.InvalidSignature, "The token's signature is invalid.");
    private static readonly AccessTokenValidation WrongAlgorithmForKey = Refuse(AccessTokenFailure.InvalidSignature, "The token's signing algorithm does not match its key.");
    private static readonly AccessTokenValidation Expired = Refuse(AccessTokenFailure.Expired, "The token has expired.");
    private static readonly AccessTokenValidation NotYetValid = Refuse(AccessTokenFailure.Expired, "The token is not valid yet.");
    private static readonly AccessTokenValidation KeyRetired = Refuse(AccessTokenFailure.Expired, "The token has expired: its signing key was retired.");
    private static readonly AccessTokenValidation WrongIssuer = Refuse(AccessTokenFailure.InvalidClaims, "The token was issued by another issuer.");
    private static readonly AccessTokenValidation WrongAudience = Refuse(AccessTokenFailure.InvalidClaims, "The token is meant for another audience.");
    private static readonly AccessTokenValidation WrongType = Refuse(AccessTokenFailure.InvalidClaims, "The token is not an access token (typ at+jwt).");
    private static readonly AccessTokenValidation NoExpiry = Refuse(AccessTokenFailure.InvalidClaims, "The token has no expiry (exp).");
    private static readonly AccessTokenValidation NoSubject = Refuse(AccessTokenFailure.InvalidClaims, "The token has no valid subject (sub).");
    private static readonly AccessTokenValidation NoSession = Refuse(AccessTokenFailure.InvalidClaims, "The token has no valid session id (sid).");
    private static readonly AccessTokenValidation NoStamp = Refuse(AccessTokenFailure.InvalidClaims, "The token has no security stamp (sst).");

    private readonly SigningKeyRing _ring;
    private readonly TimeProvider _timeProvider;
    private readonly TokenOptions _options;
    private readonly long _clockSkewTicks;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false, MapInboundClaims = false };

    /// <summary>Creates the service over <paramref name="ring"/>.</summary>
    public JwtAccessTokenService(SigningKeyRing ring, IOptions<AuthOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _ring = ring;
        _timeProvider = timeProvider;
        _options = options.Value.Tokens;
        _clockSkewTicks = TimeSpan.FromSeconds(_options.ClockSkewSeconds).Ticks;
    }

    /// <inheritdoc />
    public async ValueTask<IssuedAccessToken> IssueAsync(AccessTokenRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.UserId == Guid.Empty)
        {
            throw new ArgumentException("The user id must not be empty.", nameof(request));
        }

        if (request.SessionId == Guid.Empty)
        {
            throw new ArgumentException("The session id must not be empty.", nameof(request));
        }

        if (string.IsNullOrEmpty(request.SecurityStamp))
        {
            throw new ArgumentException("The security stamp must not be empty.", nameof(request));
        }

        var key = await _ring.GetSigningKeyAsync(cancellationToken).ConfigureAwait(false);

        // JWT times are whole seconds; report the expiry the token really carries.
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(_timeProvider.GetUtcNow().ToUnixTimeSeconds());
        var expiresAt = issuedAt.AddMinutes(_options.AccessTokenMinutes);

        var claims = new Dictionary<string, object>(9, StringComparer.Ordinal)
        {
            [AuthClaims.Subject] = request.UserId.ToString("D"),
            [AuthClaims.SessionId] = request.SessionId.ToString("D"),
            [AuthClaims.SecurityStamp] = request.SecurityStamp,
            [JwtRegisteredClaimNames.Jti] = Guid.CreateVersion7(issuedAt).ToString("N"),
        };
        if (!string.IsNullOrEmpty(request.TenantId))
        {
            claims[AuthClaims.Tenant] = request.TenantId;
        }

        if (request.Roles is { Count: > 0 } roles)
        {
            claims[AuthClaims.Role] = roles.ToArray();
        }

        if (!string.IsNullOrEmpty(request.Email))
        {
            claims[AuthClaims.Email] = request.Email;
        }

        if (request.SecondFactorVerifiedAt is { } secondFactorAt)
        {
            claims[AuthClaims.SecondFactorTime] = secondFactorAt.ToUnixTimeSeconds();
        }

        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = issuedAt.UtcDateTime,
            NotBefore = issuedAt.UtcDateTime,
            Expires = expiresAt.UtcDateTime,
            TokenType = AccessTokenParameters.TokenType,
            SigningCredentials = key.Loaded.Credentials,
            Claims = claims,
        });
        return new IssuedAccessToken(token, expiresAt, key.KeyId);
    }

    /// <inheritdoc />
    public async ValueTask<AccessTokenValidation> ValidateAsync(string token, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(token))
        {
            return Empty;
        }

        if (token.Length > MaxTokenLength)
        {
            return TooLong;
        }

        var jwt = TryRead(token);
        if (jwt is null)
        {
            return NotAJwt;
        }

        if (!SigningKeyMaterial.IsSupportedExact(jwt.Alg))
        {
            return BadAlgorithm;
        }

        var keyId = jwt.Kid;
        if (string.IsNullOrEmpty(keyId))
        {
            return NoKeyId;
        }

        var snapshot = await _ring.GetSnapshotAsync(cancellationToken).ConfigureAwait(false);
        if (!snapshot.ByKeyId.TryGetValue(keyId, out var key))
        {
            key = await _ring.FindUnknownKeyAsync(keyId, cancellationToken).ConfigureAwait(false);
            if (key is null)
            {
                return UnknownKey;
            }
        }

        // The key decides the algorithm, never the token: an HS256 token naming an RS256 key is refused here already.
        if (!string.Equals(jwt.Alg, key.Loaded.Algorithm, StringComparison.Ordinal))
        {
            return WrongAlgorithmForKey;
        }

        var result = await _handler.ValidateTokenAsync(jwt, key.Loaded.Parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return Map(result.Exception);
        }

        var now = _timeProvider.GetUtcNow().UtcTicks;
        if (now > key.ValidUntilTicks)
        {
            return KeyRetired;
        }

        var validTo = jwt.ValidTo;
        if (validTo == DateTime.MinValue)
        {
            return NoExpiry;
        }

        if (now > validTo.Ticks + _clockSkewTicks)
        {
            return Expired;
        }

        var validFrom = jwt.ValidFrom;
        if (validFrom != DateTime.MinValue && now + _clockSkewTicks < validFrom.Ticks)
        {
            return NotYetValid;
        }

        if (!IsGuid(jwt, AuthClaims.Subject))
        {
            return NoSubject;
        }

        if (!IsGuid(jwt, AuthClaims.SessionId))
        {
            return NoSession;
        }

        if (!jwt.TryGetPayloadValue<string>(AuthClaims.SecurityStamp, out var stamp) || string.IsNullOrEmpty(stamp))
        {
            return NoStamp;
        }

        return new AccessTokenValidation(new ClaimsPrincipal(result.ClaimsIdentity), AccessTokenFailure.None, null);
    }

    private static JsonWebToken? TryRead(string token)
    {
        // A JWS in compact form: exactly three segments. (JWE, with five, is not used for access tokens.)
        if (token.AsSpan().Count('.') != 2)
        {
            return null;
        }

        try
        {
            return new JsonWebToken(token);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException or FormatException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static bool IsGuid(JsonWebToken jwt, string claim) =>
        jwt.TryGetPayloadValue<string>(claim, out var value) && Guid.TryParseExact(value, "D", out var id) && id != Guid.Empty;

    private static AccessTokenValidation Map(Exception? exception) => exception switch
    {
        SecurityTokenSignatureKeyNotFoundException => UnknownKey,
        SecurityTokenInvalidAlgorithmException => WrongAlgorithmForKey,
        SecurityTokenInvalidSignatureException => BadSignature,
        SecurityTokenInvalidIssuerException => WrongIssuer,
        SecurityTokenInvalidAudienceException => WrongAudience,
        SecurityTokenInvalidTypeException => WrongType,
        SecurityTokenExpiredException => Expired,
        SecurityTokenNotYetValidException => NotYetValid,
        SecurityTokenNoExpirationException => NoExpiry,
        SecurityTokenMalformedException or ArgumentException => NotAJwt,
        _ => BadSignature,
    };

    private static AccessTokenValidation Refuse(AccessTokenFailure failure, string message) => new(null, failure, message);
}
