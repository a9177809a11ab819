namespace Foundation.Auth.Authentication;

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
