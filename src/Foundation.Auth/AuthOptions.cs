namespace Foundation.Auth;

/// <summary>Accounts, passwords, tokens, sessions and API keys, bound from <c>Foundation:Auth</c>.</summary>
public sealed class AuthOptions
{
    /// <summary>The configuration section: <c>Foundation:Auth</c>.</summary>
    public const string SectionName = "Foundation:Auth";

    /// <summary>Password rules and hashing (<c>Foundation:Auth:Passwords</c>).</summary>
    public PasswordOptions Passwords { get; set; } = new();

    /// <summary>Lockout after failed logins (<c>Foundation:Auth:Lockout</c>).</summary>
    public LockoutOptions Lockout { get; set; } = new();

    /// <summary>Access and refresh tokens (<c>Foundation:Auth:Tokens</c>).</summary>
    public TokenOptions Tokens { get; set; } = new();

    /// <summary>Sessions (<c>Foundation:Auth:Sessions</c>).</summary>
    public SessionOptions Sessions { get; set; } = new();

    /// <summary>API keys (<c>Foundation:Auth:ApiKeys</c>).</summary>
    public ApiKeyOptions ApiKeys { get; set; } = new();

    /// <summary>Organisations, memberships and invitations (<c>Foundation:Auth:Organizations</c>).</summary>
    public OrganizationOptions Organizations { get; set; } = new();

    /// <summary>
    /// Whether <c>POST /api/v1/auth/register</c> is open to anyone (403 when not). Default <see langword="true"/>.
    /// Accounts can always be created in code through <c>AccountService.RegisterAsync</c>.
    /// </summary>
    public bool AllowSelfRegistration { get; set; } = true;

    /// <summary>
    /// Whether a self-registration may name its tenant (the first account of a new tenant becomes its owner).
    /// Default <see langword="false"/>: self-registered accounts go to the default tenant, because otherwise anyone
    /// could join any tenant by naming it. Turn it on only where tenants are open by design.
    /// </summary>
    public bool AllowSelfRegistrationIntoNamedTenants { get; set; }

    /// <summary>
    /// Custom permissions attached to roles (<c>Foundation:Auth:Permissions:{name}:{n}</c>): the roles that hold each permission
    /// (a role includes every role below it). Each becomes the authorization policy
    /// <c>PermissionPolicies.PolicyName(name)</c> = <c>foundation:permission:{name}</c>. Default empty.
    /// </summary>
    public IDictionary<string, IList<string>> Permissions { get; set; } = new Dictionary<string, IList<string>>(StringComparer.Ordinal);

    /// <summary>The roles a self-registered user gets. Default <c>member</c>.</summary>
    public IList<string> DefaultRoles { get; set; } = [Roles.Member];

    /// <summary>
    /// The user ids (the <c>sub</c> of their tokens) of the platform operators (<c>Foundation:Auth:PlatformOperators</c>): the people who run
    /// the deployment for every tenant, for example to change the global price catalog. Default empty: nobody. Only this setting grants
    /// <see cref="Roles.PlatformOperator"/> (the <see cref="Authorization.RolePolicies.PlatformOperator"/> policy): no role claim, tenant
    /// role or API does, so a tenant's owner cannot grant it to anyone. Checked on every request, so removing an id takes effect when the
    /// configuration reloads; API keys never act as platform operators.
    /// </summary>
    public IList<string> PlatformOperators { get; set; } = [];

    /// <summary>
    /// Whether a login needs a confirmed e-mail address (<c>Foundation:Auth:RequireConfirmedEmail</c>): an account whose
    /// address is unconfirmed gets 403 after a correct password, with a way to ask for a new confirmation. Default
    /// <see langword="false"/>. Accounts created before account e-mail existed are unconfirmed: they confirm with
    /// <c>POST /api/v1/auth/email/confirm/resend</c>.
    /// </summary>
    public bool RequireConfirmedEmail { get; set; }

    /// <summary>Password reset, e-mail confirmation and change of e-mail (<c>Foundation:Auth:AccountEmail</c>).</summary>
    public AccountMail.AccountEmailOptions AccountEmail { get; set; } = new();
}

/// <summary>Password rules (NIST SP 800-63B) and hashing, bound from <c>Foundation:Auth:Passwords</c>.</summary>
public sealed class PasswordOptions
{
    /// <summary>The fewest characters (after NFKC normalisation). Default 12; at least 8.</summary>
    public int MinimumLength { get; set; } = 12;

    /// <summary>The most characters. Default 128; at least 128 and at least <see cref="MinimumLength"/>.</summary>
    public int MaximumLength { get; set; } = 128;

    /// <summary>Refuse the 10,000 most common passwords. Default <see langword="true"/>.</summary>
    public bool RefuseCommonPasswords { get; set; } = true;

    /// <summary>
    /// Refuse passwords that contain a part of the user's email: the local part, a word of it (split at <c>. _ - +</c>, four
    /// characters or more) or a domain label other than the top-level one (four characters or more). Default <see langword="true"/>.
    /// </summary>
    public bool RefuseEmailLocalPart { get; set; } = true;

    /// <summary>
    /// Refuse passwords made of one repeated unit (<c>aaaaaaaaaaaa</c>, <c>passwordpassword</c>) or of one ascending or
    /// descending run (<c>123456789012</c>, <c>abcdefghijkl</c>). Default <see langword="true"/>.
    /// </summary>
    public bool RefuseRepetitiveAndSequential { get; set; } = true;

    /// <summary>
    /// The name of the service, which passwords may not contain (compared ignoring case and all but letters and digits,
    /// when it has four or more of them). Default <see langword="null"/>: the host's application name
    /// (<c>IHostEnvironment.ApplicationName</c>) when there is a host; set it to the name users know the service by.
    /// </summary>
    public string? ServiceName { get; set; }

    /// <summary>PBKDF2-HMAC-SHA256 iterations for new hashes. Default 600,000 (OWASP); at least 100,000.</summary>
    public int Pbkdf2Iterations { get; set; } = 600_000;
}

/// <summary>Lockout after consecutive failed logins, bound from <c>Foundation:Auth:Lockout</c>.</summary>
public sealed class LockoutOptions
{
    /// <summary>Consecutive failures that lock the account. Default 5.</summary>
    public int MaxFailedAttempts { get; set; } = 5;

    /// <summary>How long a lockout lasts, in minutes. Default 15.</summary>
    public int DurationMinutes { get; set; } = 15;
}

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

/// <summary>Sessions, bound from <c>Foundation:Auth:Sessions</c>.</summary>
public sealed class SessionOptions
{
    /// <summary>How often expired sessions are removed, in minutes. Default 60.</summary>
    public int CleanupIntervalMinutes { get; set; } = 60;

    /// <summary>How long revoked or expired sessions are kept (for the session list and audits), in days. Default 30.</summary>
    public int RetentionDays { get; set; } = 30;
}

/// <summary>API keys, bound from <c>Foundation:Auth:ApiKeys</c>.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>The most keys one user may hold. Default 50.</summary>
    public int MaxKeysPerUser { get; set; } = 50;

    /// <summary>
    /// How often the uses counted in memory are written to the key records (<see cref="ApiKeys.ApiKeyUsageRecorder"/>).
    /// Default 5 seconds; 100 milliseconds to 5 minutes.
    /// </summary>
    public TimeSpan UsageFlushInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Organisations, bound from <c>Foundation:Auth:Organizations</c>.</summary>
public sealed class OrganizationOptions
{
    /// <summary>The most bytes (UTF-8) of an organisation's settings object. Default 4096; 2 to 65,536.</summary>
    public int MaxSettingsBytes { get; set; } = 4096;

    /// <summary>The most organisations one user may create. Default 20; 1 to 10,000.</summary>
    public int MaxOrganizationsPerUser { get; set; } = 20;

    /// <summary>How long an invitation can be accepted. Default 7 days; 1 hour to 90 days.</summary>
    public TimeSpan InvitationLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// The page of your front end that accepts invitations; the e-mail links to it with <c>?token=...</c> appended
    /// (it then calls <c>POST /api/v1/invitations/accept</c>). Default <see langword="null"/>: the e-mail gives the token
    /// and the API call instead. An absolute http(s) URL without a query.
    /// </summary>
    public Uri? InvitationAcceptUrl { get; set; }
}
