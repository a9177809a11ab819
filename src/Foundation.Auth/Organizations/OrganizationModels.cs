using System.Text.Json;

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

/// <summary>An organisation the caller belongs to.</summary>
/// <param name="Id">The organisation id (its tenant id; <c>~default</c> for the default tenant).</param>
/// <param name="Name">The display name.</param>
/// <param name="Slug">The unique handle, if set.</param>
/// <param name="Role">The caller's role in it.</param>
/// <param name="IsActive">Whether it is the active organisation of the caller's session.</param>
public sealed record OrganizationMembershipInfo(string Id, string Name, string? Slug, string Role, bool IsActive);

/// <summary>An organisation.</summary>
/// <param name="Id">The organisation id (its tenant id; <c>~default</c> for the default tenant).</param>
/// <param name="TenantId">The tenant id every package stores (empty for the default tenant).</param>
/// <param name="Name">The display name.</param>
/// <param name="Slug">The unique handle, if set.</param>
/// <param name="Settings">The settings object.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="Role">The caller's role in it.</param>
public sealed record OrganizationInfo(string Id, string TenantId, string Name, string? Slug, JsonElement Settings, DateTimeOffset CreatedAt, string Role);

/// <summary>A member of an organisation.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Email">The user's email.</param>
/// <param name="Role">The role in the organisation.</param>
/// <param name="JoinedAt">When the user joined.</param>
public sealed record OrganizationMemberInfo(Guid UserId, string Email, string Role, DateTimeOffset JoinedAt);

/// <summary>A new organisation; the creator becomes its owner.</summary>
/// <param name="Name">The display name (1 to 200 characters).</param>
/// <param name="Slug">The unique handle (2 to 64 of a-z, 0-9 and '-'); derived from the name when omitted.</param>
/// <param name="Settings">A JSON object (at most <c>Foundation:Auth:Organizations:MaxSettingsBytes</c>); empty when omitted.</param>
public sealed record CreateOrganizationRequest(string? Name, string? Slug = null, JsonElement? Settings = null);

/// <summary>Changes to an organisation; omitted fields stay as they are.</summary>
/// <param name="Name">A new display name.</param>
/// <param name="Slug">A new slug.</param>
/// <param name="Settings">New settings (replacing the old object).</param>
public sealed record UpdateOrganizationRequest(string? Name = null, string? Slug = null, JsonElement? Settings = null);
