using Foundation.Callers;

namespace Foundation.Llm.Routing.Credentials;

/// <summary>
/// Bring your own key: finds the caller's (user's, else tenant's) own credential for a provider. When one is found the router
/// sends that call with it instead of the configured key. Foundation's store implements this; a host may register its own.
/// </summary>
public interface IProviderCredentialResolver
{
    /// <summary>The caller's own credential for <paramref name="providerType"/>, or <see langword="null"/> to use the configured one.</summary>
    /// <param name="caller">Who is calling.</param>
    /// <param name="providerName">The configured provider name of the chosen deployment.</param>
    /// <param name="providerType">Its wire format.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    ValueTask<ProviderCredential?> ResolveAsync(ICurrentCaller caller, string providerName, Providers.LlmProviderType providerType, CancellationToken cancellationToken = default);
}
