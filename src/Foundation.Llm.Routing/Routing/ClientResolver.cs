using Foundation.Callers;
using Foundation.Llm.Routing.Credentials;
using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Routing;

/// <summary>
/// The client an attempt calls on a deployment: the deployment's own (the operator's credential), or, when a credential resolver
/// is registered and the caller has a key of their own for the deployment's provider (bring your own key), a client built for that
/// key (cached per provider and credential). Marks the request's <see cref="RouteRequest.CallerKey"/> accordingly.
/// </summary>
internal sealed class ClientResolver
{
    private readonly ICurrentCaller _caller;
    private readonly IProviderCredentialResolver? _credentials;
    private readonly ProviderClientCache? _clientCache;

    public ClientResolver(ICurrentCaller caller, IProviderCredentialResolver? credentials, ILlmClientFactory? clientFactory)
    {
        _caller = caller;
        _credentials = credentials;
        _clientCache = clientFactory is null ? null : new ProviderClientCache(clientFactory);
    }

    /// <summary>The clients built for callers' own credentials; <see langword="null"/> without a client factory.</summary>
    public ProviderClientCache? ClientCache => _clientCache;

    public ValueTask<IChatClient> ResolveClientAsync(RouteRequest request, LlmDeployment deployment, CancellationToken cancellationToken)
    {
        request.CallerKey = false;
        if (_credentials is null || _clientCache is null || deployment.ProviderType is not { } type)
        {
            return new ValueTask<IChatClient>(deployment.Client);
        }

        return ResolveCredentialClientAsync(request, deployment, type, cancellationToken);
    }

    private async ValueTask<IChatClient> ResolveCredentialClientAsync(RouteRequest request, LlmDeployment deployment, Providers.LlmProviderType type, CancellationToken cancellationToken)
    {
        var credential = await _credentials!.ResolveAsync(_caller, deployment.ProviderName, type, cancellationToken).ConfigureAwait(false);
        if (credential is null)
        {
            return deployment.Client;
        }

        request.CallerKey = true;
        return _clientCache!.Get(deployment, credential);
    }
}
