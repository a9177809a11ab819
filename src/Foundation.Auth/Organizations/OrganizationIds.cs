namespace Foundation.Auth.Organizations;

/// <summary>
/// Organisation ids as the API shows them. An organisation's id is its tenant id; the default tenant's is the empty
/// string, which no URL path can carry, so the API spells it <see cref="DefaultAlias"/> (<c>~default</c>: <c>~</c> is
/// outside the tenant-id alphabet, so no real tenant can collide with it).
/// </summary>
public static class OrganizationIds
{
    /// <summary>How the API spells the default tenant's organisation.</summary>
    public const string DefaultAlias = "~default";

    /// <summary>The API id of the organisation whose tenant id is <paramref name="tenantId"/>.</summary>
    public static string ToApi(string tenantId) => string.IsNullOrEmpty(tenantId) ? DefaultAlias : tenantId;

    /// <summary>The tenant id of the API id <paramref name="apiId"/>, or <see langword="null"/> when it cannot be one.</summary>
    public static string? FromApi(string? apiId)
    {
        if (string.Equals(apiId, DefaultAlias, StringComparison.Ordinal))
        {
            return string.Empty;
        }

        return !string.IsNullOrEmpty(apiId) && apiId.Length <= 64 && apiId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') ? apiId : null;
    }
}
