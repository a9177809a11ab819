using System.Text.Json;

namespace Foundation.Auth.Organizations;

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
