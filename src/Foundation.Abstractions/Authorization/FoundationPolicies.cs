namespace Foundation.Abstractions.Authorization;

/// <summary>
/// The names of the authorization policies the suite's HTTP APIs require. Foundation.Auth registers a policy under each
/// name (<c>AddFoundationAuth</c>); a host that maps a package's API without Foundation.Auth registers its own policies
/// under these names (<c>services.AddAuthorizationBuilder().AddPolicy(FoundationPolicies.Admin, ...)</c>).
/// </summary>
public static class FoundationPolicies
{
    /// <summary>Owners only.</summary>
    public const string Owner = "foundation:role:owner";

    /// <summary>Admins and owners.</summary>
    public const string Admin = "foundation:role:admin";

    /// <summary>Managers (who manage teams), admins and owners.</summary>
    public const string Manager = "foundation:role:manager";

    /// <summary>Members, managers, admins and owners.</summary>
    public const string Member = "foundation:role:member";

    /// <summary>Anyone with a built-in role except guests.</summary>
    public const string Viewer = "foundation:role:viewer";

    /// <summary>Anyone with a built-in role, guests included (for what is shared with guests).</summary>
    public const string Guest = "foundation:role:guest";

    /// <summary>Platform operators: signed-in users the deployment names (<c>Foundation:Auth:PlatformOperators</c>), never via role claims or API keys.</summary>
    public const string PlatformOperator = "foundation:platform-operator";

    /// <summary>
    /// A signed-in user's session (an access token with a user id and a session id); API keys do not satisfy it.
    /// Refused with 403 "A user session is required".
    /// </summary>
    public const string UserSession = "foundation:user-session";
}
