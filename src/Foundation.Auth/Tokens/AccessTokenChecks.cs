using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Foundation.Auth.Tokens;

/// <summary>
/// The checks of a Foundation access token that surround the signature check, shared by <see cref="JwtAccessTokenService"/>
/// and the JwtBearer access-token scheme: before it (size, shape, algorithm, <c>kid</c>, the key from the ring, the key's
/// algorithm) and after it (retired key, lifetime against the injected <see cref="TimeProvider"/>, <c>sub</c>, <c>sid</c>,
/// <c>sst</c>); and the mapping of IdentityModel's validation exceptions to refusals.
/// </summary>
internal sealed class AccessTokenChecks
{
    /// <summary>The longest token accepted, in characters; Foundation access tokens are well under 2 KB.</summary>
    internal const int MaxTokenLength = 8 * 1024;

    private static readonly AccessTokenValidation Empty = Refuse(AccessTokenFailure.Malformed, "No token was presented.");
    private static readonly AccessTokenValidation TooLong = Refuse(AccessTokenFailure.Malformed, "The token is too long to be an access token.");
    private static readonly AccessTokenValidation NotAJwt = Refuse(AccessTokenFailure.Malformed, "The token is not a well-formed signed JWT.");
    private static readonly AccessTokenValidation BadAlgorithm = Refuse(AccessTokenFailure.InvalidSignature, "The token's signing algorithm is not accepted.");
    private static readonly AccessTokenValidation NoKeyId = Refuse(AccessTokenFailure.InvalidSignature, "The token names no signing key (kid).");
    internal static readonly AccessTokenValidation UnknownKey = Refuse(AccessTokenFailure.UnknownKey, "The token was signed with an unknown key.");
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
    private readonly long _clockSkewTicks;

    /// <summary>Creates the checks over <paramref name="ring"/>.</summary>
    public AccessTokenChecks(SigningKeyRing ring, IOptions<AuthOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _ring = ring;
        _timeProvider = timeProvider;
        _clockSkewTicks = TimeSpan.FromSeconds(options.Value.Tokens.ClockSkewSeconds).Ticks;
    }

    /// <summary>
    /// Everything before the signature: size, a compact JWS, a supported algorithm, a <c>kid</c> naming a key of the ring
    /// (re-reading the store once for an unknown one, since another instance may have rotated), and the token's algorithm
    /// equal to that key's. The key decides the algorithm, never the token: <c>none</c> and an HS256 token naming an RS256
    /// key are refused here already.
    /// </summary>
    public async ValueTask<ResolvedAccessToken> ResolveAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token))
        {
            return new(null, null, Empty);
        }

        if (token.Length > MaxTokenLength)
        {
            return new(null, null, TooLong);
        }

        var jwt = TryRead(token);
        if (jwt is null)
        {
            return new(null, null, NotAJwt);
        }

        if (!SigningKeyMaterial.IsSupportedExact(jwt.Alg))
        {
            return new(jwt, null, BadAlgorithm);
        }

        var keyId = jwt.Kid;
        if (string.IsNullOrEmpty(keyId))
        {
            return new(jwt, null, NoKeyId);
        }

        var snapshot = await _ring.GetSnapshotAsync(cancellationToken).ConfigureAwait(false);
        if (!snapshot.ByKeyId.TryGetValue(keyId, out var key))
        {
            key = await _ring.FindUnknownKeyAsync(keyId, cancellationToken).ConfigureAwait(false);
            if (key is null)
            {
                return new(jwt, null, UnknownKey);
            }
        }

        if (!string.Equals(jwt.Alg, key.Loaded.Algorithm, StringComparison.Ordinal))
        {
            return new(jwt, key, WrongAlgorithmForKey);
        }

        return new(jwt, key, null);
    }

    /// <summary>The key <paramref name="keyId"/> as the ring knows it now, without reading the store.</summary>
    public SigningKey? FindKnownKey(string? keyId) =>
        !string.IsNullOrEmpty(keyId) && _ring.CurrentSnapshot is { } snapshot && snapshot.ByKeyId.TryGetValue(keyId, out var key) ? key : null;

    /// <summary>
    /// Everything after the signature, against the injected clock: the signing key not retired past its validity, an
    /// expiry not passed and a not-before reached (both with the configured clock skew), and valid <c>sub</c>, <c>sid</c>
    /// and <c>sst</c> claims.
    /// </summary>
    /// <returns>The refusal, or <see langword="null"/> when the token passes.</returns>
    public AccessTokenValidation? CheckAfterSignature(JsonWebToken jwt, SigningKey key)
    {
        ArgumentNullException.ThrowIfNull(jwt);
        ArgumentNullException.ThrowIfNull(key);
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

        return null;
    }

    /// <summary>The refusal for an exception of IdentityModel's token validation.</summary>
    public static AccessTokenValidation Map(Exception? exception) => exception switch
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

    private static AccessTokenValidation Refuse(AccessTokenFailure failure, string message) => new(null, failure, message);
}

/// <summary>A token read and matched to its key, or the reason it was refused before its signature was checked.</summary>
/// <param name="Token">The parsed token, when it is a well-formed JWS.</param>
/// <param name="Key">The key its <c>kid</c> names, when known.</param>
/// <param name="Refusal">Why it was refused, or <see langword="null"/> when the signature check may follow.</param>
internal readonly record struct ResolvedAccessToken(JsonWebToken? Token, SigningKey? Key, AccessTokenValidation? Refusal);
