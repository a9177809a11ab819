namespace Foundation.Llm.Routing.Storage;

/// <summary>Whose a stored provider key is.</summary>
public enum ProviderKeyScope
{
    /// <summary>The user's own key: serves only that user's requests, and wins over a tenant-wide key.</summary>
    User = 0,

    /// <summary>The tenant's key: serves every user of the tenant who has no key of their own. Managed by admins.</summary>
    Tenant = 1,
}

/// <summary>Who acts on provider keys.</summary>
/// <param name="TenantId">The caller's tenant (the default tenant is the empty string).</param>
/// <param name="UserId">The caller's user id.</param>
/// <param name="IsTenantAdmin">Whether the caller may create and delete tenant-wide keys (admin or owner).</param>
public sealed record ProviderKeyOwner(string TenantId, string UserId, bool IsTenantAdmin);

/// <summary>What to store.</summary>
/// <param name="Provider"><c>openai</c>, <c>anthropic</c>, <c>huggingface</c> or <c>custom</c>.</param>
/// <param name="Name">A display name (1 to 100 characters; default the provider). For HuggingFace and custom keys: the configured provider name it serves.</param>
/// <param name="ApiKey">The key itself (1 to 2048 characters, no white space).</param>
/// <param name="BaseUrl">An absolute http(s) endpoint replacing the provider's; required for <c>custom</c>.</param>
/// <param name="Scope"><c>user</c> (default) or <c>tenant</c> (admins only).</param>
public sealed record CreateProviderKeyRequest(string? Provider, string? Name, string? ApiKey, string? BaseUrl, string? Scope);

/// <summary>A stored key as shown to its owner: never the key itself.</summary>
/// <param name="Id">The id.</param>
/// <param name="Provider">The stored provider name (<c>openai</c>).</param>
/// <param name="Name">The display name.</param>
/// <param name="Scope"><c>user</c> or <c>tenant</c>.</param>
/// <param name="KeyHint">What the key looks like (<c>sk-...abcd</c>).</param>
/// <param name="BaseUrl">The endpoint override, if any.</param>
/// <param name="CreatedAt">When it was stored.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="LastUsedAt">When it last served a request (to within the cache period).</param>
/// <param name="LastTestedAt">When it was last tested.</param>
/// <param name="LastTestOk">Whether the last test passed.</param>
/// <param name="LastTestMessage">The last test's outcome.</param>
public sealed record ProviderKeyInfo(
    Guid Id,
    string Provider,
    string Name,
    string Scope,
    string KeyHint,
    string? BaseUrl,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? LastTestedAt,
    bool? LastTestOk,
    string? LastTestMessage)
{
    internal static ProviderKeyInfo From(ProviderKeyRecord r) => new(
        r.Id,
        ProviderKeyTypes.ToStored(r.Provider),
        r.Name,
        r.OwnerUserId is null ? "tenant" : "user",
        r.KeyHint,
        r.BaseUrl,
        r.CreatedAt,
        r.UpdatedAt,
        r.LastUsedAt,
        r.LastTestedAt,
        r.LastTestOk,
        r.LastTestMessage);
}

/// <summary>The outcome of a live check of a stored key.</summary>
/// <param name="Ok">Whether the provider accepted the key (a 2xx answer).</param>
/// <param name="Status">The provider's HTTP status, or <see langword="null"/> when it did not answer.</param>
/// <param name="LatencyMs">How long the check took, in milliseconds.</param>
/// <param name="Message">What happened, in words (never the key).</param>
public sealed record ProviderKeyTestResult(bool Ok, int? Status, long LatencyMs, string Message);
