namespace Foundation.Llm.ProviderKeys.Http;

/// <summary><c>POST /api/v1/provider-keys</c>.</summary>
/// <param name="Provider"><c>openai</c>, <c>anthropic</c>, <c>huggingface</c> or <c>custom</c>.</param>
/// <param name="Name">A display name; for HuggingFace and custom keys, the configured provider name it serves.</param>
/// <param name="ApiKey">The provider's key; stored encrypted, never shown again.</param>
/// <param name="BaseUrl">An absolute http(s) endpoint replacing the provider's; required for <c>custom</c>.</param>
/// <param name="Scope"><c>user</c> (default) or <c>tenant</c> (admins only).</param>
public sealed record CreateProviderKeyBody(string? Provider, string? Name, string? ApiKey, string? BaseUrl, string? Scope);
