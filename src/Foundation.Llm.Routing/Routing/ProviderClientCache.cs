using System.Collections.Concurrent;
using Foundation.Llm.Routing.Credentials;
using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Routing;

/// <summary>
/// Clients built for callers' own credentials, one per provider and credential id, rebuilt when the key or endpoint changes.
/// Bounded: when <see cref="Capacity"/> is reached the cache starts over (clients in use keep working).
/// </summary>
internal sealed class ProviderClientCache
{
    internal const int Capacity = 1024;

    private readonly ILlmClientFactory _factory;
    private readonly ConcurrentDictionary<(string Provider, Guid Id), Entry> _clients = new();

    public ProviderClientCache(ILlmClientFactory factory) => _factory = factory;

    public int Count => _clients.Count;

    public IChatClient Get(LlmDeployment deployment, ProviderCredential credential)
    {
        var key = (deployment.ProviderName, credential.Id);
        if (_clients.TryGetValue(key, out var entry)
            && string.Equals(entry.ApiKey, credential.ApiKey, StringComparison.Ordinal)
            && entry.BaseUrl == credential.BaseUrl)
        {
            return entry.Client;
        }

        if (_clients.Count >= Capacity)
        {
            _clients.Clear();
        }

        var client = _factory.Create(deployment.ProviderName, deployment.ProviderOptions!, credential);
        _clients[key] = new Entry(credential.ApiKey, credential.BaseUrl, client);
        return client;
    }

    private sealed record Entry(string ApiKey, Uri? BaseUrl, IChatClient Client)
    {
        public override string ToString() => "Entry { ApiKey = *** }";
    }
}
