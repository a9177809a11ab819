namespace Foundation.Auth.Authentication;

/// <summary>The authentication schemes of Foundation access tokens and API keys.</summary>
public static class FoundationAuthenticationDefaults
{
    /// <summary>
    /// <c>Bearer</c>: <c>Authorization: Bearer &lt;jwt&gt;</c>, <c>Authorization: Bearer fnd_...</c> or <c>X-API-Key: fnd_...</c>.
    /// A policy scheme: a request with one <c>Authorization: Bearer</c> header holding anything but an API key, and no
    /// <c>X-API-Key</c> header, goes to <see cref="AccessTokenScheme"/>; every other request to <see cref="ApiKeyScheme"/>.
    /// </summary>
    public const string Scheme = "Bearer";

    /// <summary>
    /// <c>Foundation.AccessToken</c>: the JwtBearer scheme (<c>JwtBearerHandler</c>) that validates Foundation access tokens.
    /// Configure it with <c>services.Configure&lt;JwtBearerOptions&gt;(AccessTokenScheme, ...)</c>.
    /// </summary>
    public const string AccessTokenScheme = "Foundation.AccessToken";

    /// <summary>
    /// <c>Foundation.ApiKey</c>: the scheme (<see cref="FoundationApiKeyHandler"/>, options <see cref="FoundationBearerOptions"/>)
    /// of API keys, and of every request that is not an access token (no credentials, malformed headers).
    /// </summary>
    public const string ApiKeyScheme = "Foundation.ApiKey";

    /// <summary>The header an API key may also come in.</summary>
    public const string ApiKeyHeader = "X-API-Key";

    /// <summary>The prefix of every Foundation API key.</summary>
    public const string ApiKeyPrefix = "fnd_";
}
