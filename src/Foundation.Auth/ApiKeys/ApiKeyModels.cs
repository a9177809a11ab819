namespace Foundation.Auth.ApiKeys;

/// <summary>An API key as its owner sees it; never its secret.</summary>
/// <param name="Id">The record id (used in <c>/api/v1/api-keys/{id}</c>).</param>
/// <param name="Name">The name the owner chose.</param>
/// <param name="KeyId">The public part of the key (<c>fnd_{KeyId}_...</c>), to recognise it.</param>
/// <param name="Scopes">Its scopes; empty means every scope of the owner.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="ExpiresAt">When it stops being accepted, if ever.</param>
/// <param name="IsActive">Whether it is accepted.</param>
/// <param name="LastUsedAt">When it was last accepted.</param>
/// <param name="UseCount">How many times it was accepted.</param>
public sealed record ApiKeyInfo(
    Guid Id,
    string Name,
    string KeyId,
    IReadOnlyList<string> Scopes,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    bool IsActive,
    DateTimeOffset? LastUsedAt,
    long UseCount);

/// <summary>A new API key: its description and, this one time only, the full key.</summary>
/// <param name="Key">The stored key.</param>
/// <param name="FullKey"><c>fnd_{keyId}_{secret}</c>. Only its hash is stored: show it once and forget it.</param>
public sealed record CreatedApiKey(ApiKeyInfo Key, string FullKey)
{
    /// <summary>Keeps the full key out of logs.</summary>
    public override string ToString() => $"CreatedApiKey {{ Key = {Key}, FullKey = fnd_{Key.KeyId}_*** }}";
}
