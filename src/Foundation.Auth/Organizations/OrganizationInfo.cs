using System.Text.Json;

namespace Foundation.Auth.Organizations;

/// <summary>An organisation.</summary>
/// <param name="Id">The organisation id (its tenant id; <c>~default</c> for the default tenant).</param>
/// <param name="TenantId">The tenant id every package stores (empty for the default tenant).</param>
/// <param name="Name">The display name.</param>
/// <param name="Slug">The unique handle, if set.</param>
/// <param name="Settings">The settings object.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="Role">The caller's role in it.</param>
public sealed record OrganizationInfo(string Id, string TenantId, string Name, string? Slug, JsonElement Settings, DateTimeOffset CreatedAt, string Role);

/// <summary>An organisation the caller belongs to.</summary>
/// <param name="Id">The organisation id (its tenant id; <c>~default</c> for the default tenant).</param>
/// <param name="Name">The display name.</param>
/// <param name="Slug">The unique handle, if set.</param>
/// <param name="Role">The caller's role in it.</param>
/// <param name="IsActive">Whether it is the active organisation of the caller's session.</param>
public sealed record OrganizationMembershipInfo(string Id, string Name, string? Slug, string Role, bool IsActive);

/// <summary>A member of an organisation.</summary>
/// <param name="UserId">The user.</param>
/// <param name="Email">The user's email.</param>
/// <param name="Role">The role in the organisation.</param>
/// <param name="JoinedAt">When the user joined.</param>
public sealed record OrganizationMemberInfo(Guid UserId, string Email, string Role, DateTimeOffset JoinedAt);
