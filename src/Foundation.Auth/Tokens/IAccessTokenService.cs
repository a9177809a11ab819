namespace Foundation.Auth.Tokens;

/// <summary>Issues and validates Foundation access tokens (JWT) with the current signing keys.</summary>
public interface IAccessTokenService
{
    /// <summary>Issues a token signed with the current key.</summary>
    ValueTask<IssuedAccessToken> IssueAsync(AccessTokenRequest request, CancellationToken cancellationToken = default);

    /// <summary>Validates <paramref name="token"/>: algorithm, signature against the active and retired keys, lifetime, issuer, audience, required claims.</summary>
    ValueTask<AccessTokenValidation> ValidateAsync(string token, CancellationToken cancellationToken = default);
}
