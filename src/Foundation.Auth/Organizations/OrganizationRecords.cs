namespace Foundation.Auth.Storage;

/// <summary>
/// An organisation (<c>auth_organizations</c>): the tenant, made first-class. Its <see cref="Id"/> <em>is</em> the tenant id
/// every package stores (tenant id = organisation id), so everything scoped by tenant is scoped by organisation.
/// </summary>
public sealed class OrganizationRecord
{
    /// <summary>The organisation id, equal to the tenant id (the empty string is the default tenant's organisation).</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>The display name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>A short unique handle (lower-case letters, digits, <c>-</c>); <see langword="null"/> until one is set.</summary>
    public string? Slug { get; set; }

    /// <summary>The settings: a small JSON object (at most <see cref="OrganizationOptions.MaxSettingsBytes"/> bytes of UTF-8).</summary>
    public string Settings { get; set; } = "{}";

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// When it or its memberships last changed. Every membership change updates this row first in its transaction,
    /// so concurrent changes of one organisation (on any instance) are serialised by the row lock: the last-owner rule holds.
    /// </summary>
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A user's membership of an organisation (<c>auth_organization_members</c>), with the user's role in it.</summary>
public sealed class OrganizationMemberRecord
{
    /// <summary>The organisation (tenant) id.</summary>
    public string OrganizationId { get; set; } = string.Empty;

    /// <summary>The user.</summary>
    public Guid UserId { get; set; }

    /// <summary>The role in this organisation (<c>owner</c>, <c>admin</c>, <c>manager</c>, <c>member</c>, <c>viewer</c>, <c>guest</c>), space separated when several.</summary>
    public string Role { get; set; } = string.Empty;

    /// <summary>When the user joined.</summary>
    public DateTimeOffset JoinedAt { get; set; }
}
