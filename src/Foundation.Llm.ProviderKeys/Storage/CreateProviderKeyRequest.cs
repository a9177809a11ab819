namespace Foundation.Llm.Routing.Storage;

/// <summary>What to store.</summary>
/// <param name="Provider"><c>openai</c>, <c>anthropic</c>, <c>huggingface</c> or <c>custom</c>.</param>
/// <param name="Name">A display name (1 to 100 characters; default the provider). For HuggingFace and custom keys: the configured provider name it serves.</param>
/// <param name="ApiKey">The key itself (1 to 2048 characters, no white space).</param>
/// <param name="BaseUrl">An absolute http(s) endpoint replacing the provider's; required for <c>custom</c>.</param>
/// <param name="Scope"><c>user</c> (default) or <c>tenant</c> (admins only).</param>
public sealed record CreateProviderKeyRequest(string? Provider, string? Name, string? ApiKey, string? BaseUrl, string? Scope);
