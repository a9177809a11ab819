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
