namespace Foundation.Llm.Routing.Storage;

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
