namespace Foundation.Auth.Authorization;

/// <summary>
/// Custom permissions attached to roles, as authorization policies: <c>Foundation:Auth:Permissions:{name}:{n}</c> lists the
/// roles that hold the permission <c>{name}</c> (a role includes every role below it), and each permission becomes the
/// policy <see cref="PolicyName"/>(<c>{name}</c>): <c>.RequireAuthorization(PermissionPolicies.PolicyName("reports:export"))</c>.
/// The role is the caller's role in their active organisation.
/// </summary>
public static class PermissionPolicies
{
    /// <summary>The prefix of every permission policy.</summary>
    public const string Prefix = "foundation:permission:";

    /// <summary>The policy name of the permission <paramref name="permission"/>.</summary>
    public static string PolicyName(string permission)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(permission);
        return Prefix + permission;
    }

    /// <summary>Whether <paramref name="name"/> is a valid permission name: 1 to 100 of a-z, 0-9, <c>: . _ -</c>.</summary>
    public static bool IsValidName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 100 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is ':' or '.' or '_' or '-');
}
