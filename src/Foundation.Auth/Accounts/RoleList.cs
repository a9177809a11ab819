namespace Foundation.Auth.Accounts;

/// <summary>Roles as stored: space separated, lower-case.</summary>
internal static class RoleList
{
    public static string Join(IEnumerable<string> roles) =>
        string.Join(' ', roles.Select(r => r.Trim().ToLowerInvariant()).Where(r => r.Length > 0).Distinct(StringComparer.Ordinal));

    public static IReadOnlyList<string> Split(string roles) =>
        roles.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
