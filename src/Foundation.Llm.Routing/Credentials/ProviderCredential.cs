namespace Foundation.Llm.Routing.Credentials;

/// <summary>A caller's own provider credential.</summary>
/// <param name="Id">The stored credential's id (for logs and audit; never the key).</param>
/// <param name="ApiKey">The plaintext key, only in memory.</param>
/// <param name="BaseUrl">An endpoint that replaces the configured one (custom endpoints), or <see langword="null"/>.</param>
public sealed record ProviderCredential(Guid Id, string ApiKey, Uri? BaseUrl = null)
{
    /// <inheritdoc />
    public override string ToString() => $"ProviderCredential {{ Id = {Id}, ApiKey = ***, BaseUrl = {BaseUrl} }}";
}
