using Foundation.Llm.Routing.Credentials;
using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Routing;

/// <summary>Creates the <see cref="IChatClient"/> of a configured provider, with its configured key or a caller's own credential.</summary>
internal interface ILlmClientFactory
{
    /// <summary>A client for <paramref name="providerName"/>.</summary>
    /// <param name="providerName">The provider's configured name (<c>openai</c>).</param>
    /// <param name="options">Its configuration.</param>
    /// <param name="credential">A caller's own credential replacing the configured key (and base URL when it has one), or <see langword="null"/>.</param>
    IChatClient Create(string providerName, LlmProviderOptions options, ProviderCredential? credential);
}
