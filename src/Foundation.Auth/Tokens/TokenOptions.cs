namespace Foundation.Auth;

/// <summary>Access tokens (JWT) and refresh tokens, bound from <c>Foundation:Auth:Tokens</c>.</summary>
public sealed class TokenOptions
{
    /// <summary>The <c>iss</c> of issued tokens and the only issuer accepted. Default <c>foundation</c>.</summary>
    public string Issuer { get; set; } = "foundation";

    /// <summary>The <c>aud</c> of issued tokens and the only audience accepted. Default <c>foundation</c>.</summary>
    public string Audience { get; set; } = "foundation";

    /// <summary>Access-token lifetime in minutes. Default 15.</summary>
    public int AccessTokenMinutes { get; set; } = 15;

    /// <summary>Refresh-token (and session) lifetime in days. Default 7.</summary>
    public int RefreshTokenDays { get; set; } = 7;

    /// <summary>The signing algorithm of new keys: <c>HS256</c> (default), <c>ES256</c> or <c>RS256</c>.</summary>
    public string Algorithm { get; set; } = "HS256";

    /// <summary>A new signing key is made after this many days; the retired one keeps validating its tokens. Default 30.</summary>
    public int KeyRotationDays { get; set; } = 30;

    /// <summary>Allowed clock difference when validating lifetimes, in seconds. Default 30.</summary>
    public int ClockSkewSeconds { get; set; } = 30;

    /// <summary>
    /// How long after a refresh token was rotated it may be presented again without being treated as stolen
    /// (Auth0 calls this leeway). Within it, the just-rotated token gets a fresh pair of the same session, so two
    /// browser tabs (or a retried request whose answer was lost) refreshing at once both stay signed in; after it,
    /// presenting the token again revokes the session and is audited as <c>auth.refresh.reuse_detected</c>.
    /// Default 10 seconds; <see cref="TimeSpan.Zero"/> turns it off (strict single use); at most 1 minute.
    /// </summary>
    public TimeSpan RefreshReuseInterval { get; set; } = TimeSpan.FromSeconds(10);
}
