namespace Foundation.Auth.Tokens;

/// <summary>The claim types of Foundation access tokens.</summary>
public static class AuthClaims
{
    /// <summary>The user id.</summary>
    public const string Subject = "sub";

    /// <summary>The tenant id (absent for the default tenant).</summary>
    public const string Tenant = "tenant";

    /// <summary>A role; one claim per role.</summary>
    public const string Role = "role";

    /// <summary>The session id.</summary>
    public const string SessionId = "sid";

    /// <summary>The user's security stamp when the token was issued.</summary>
    public const string SecurityStamp = "sst";

    /// <summary>The email.</summary>
    public const string Email = "email";

    /// <summary>When a second factor was last verified in the session (Unix seconds), if ever.</summary>
    public const string SecondFactorTime = "amr_2fa_at";

    /// <summary>The key id, on principals authenticated by an API key.</summary>
    public const string ApiKeyId = "api_key_id";

    /// <summary>A scope of an API key; one claim per scope.</summary>
    public const string Scope = "scope";

    /// <summary>
    /// The caller's team in the active organisation (<c>ICurrentCaller.TeamId</c>, Costing's team budget scope): the team
    /// the user was added to first there. Set on the principal of each request from the database, not carried in tokens.
    /// </summary>
    public const string Team = "team";
}
