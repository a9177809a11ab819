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
    private readonly SigningKeyRing _ring;
    private readonly TimeProvider _timeProvider;
    private readonly TokenOptions _options;
    private readonly AccessTokenChecks _checks;
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
        _checks = new AccessTokenChecks(ring, options, timeProvider);
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
        var (jwt, key, refusal) = await _checks.ResolveAsync(token, cancellationToken).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        var result = await _handler.ValidateTokenAsync(jwt, key!.Loaded.Parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return AccessTokenChecks.Map(result.Exception);
        }

        return _checks.CheckAfterSignature(jwt!, key)
            ?? new AccessTokenValidation(new ClaimsPrincipal(result.ClaimsIdentity), AccessTokenFailure.None, null);
    }
}
