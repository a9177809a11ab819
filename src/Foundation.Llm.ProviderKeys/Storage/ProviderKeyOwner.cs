namespace Foundation.Llm.Routing.Storage;

/// <summary>Who acts on provider keys.</summary>
/// <param name="TenantId">The caller's tenant (the default tenant is the empty string).</param>
/// <param name="UserId">The caller's user id.</param>
/// <param name="IsTenantAdmin">Whether the caller may create and delete tenant-wide keys (admin or owner).</param>
public sealed record ProviderKeyOwner(string TenantId, string UserId, bool IsTenantAdmin);
