namespace Foundation.Auth.Organizations;

/// <summary>The team roles.</summary>
public static class TeamRoles
{
    /// <summary>Manages the team's members.</summary>
    public const string Maintainer = "maintainer";

    /// <summary>A member of the team.</summary>
    public const string Member = "member";
}
