using System.Collections.Frozen;
using Foundation.Llm.Routing.Providers;
using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Routing;

/// <summary>
/// Everything a request is routed by, computed once at start: one <see cref="AliasGroup"/> per alias, plus one per concrete
/// provider model and per deployment name (priority over the deployments serving it), each with its precomputed array.
/// </summary>
internal sealed class RouteTable
{
    private RouteTable(FrozenDictionary<string, AliasGroup> groups, AliasGroup[] aliases, LlmDeployment[] distinct)
    {
        Groups = groups;
        Aliases = aliases;
        DistinctDeployments = distinct;
    }

    /// <summary>Aliases first, then deployment names, then provider models (an alias wins over a model of the same name).</summary>
    public FrozenDictionary<string, AliasGroup> Groups { get; }

    /// <summary>The aliases, in configuration order.</summary>
    public AliasGroup[] Aliases { get; }

    /// <summary>Each deployment name once (its first alias entry), in configuration order.</summary>
    public LlmDeployment[] DistinctDeployments { get; }

    /// <param name="options">The routing options.</param>
    /// <param name="hostDeployments">The host's own deployments.</param>
    /// <param name="clientFactory">Creates the configured providers' clients.</param>
    /// <param name="decorate">
    /// Wraps every deployment's client, configured and host ones (once per deployment, around a <see cref="DeploymentNamingClient"/> that
    /// names the deployment in the answer's properties), or <see langword="null"/>.
    /// </param>
    public static RouteTable Build(LlmRoutingOptions options, IEnumerable<HostDeployment> hostDeployments, ILlmClientFactory? clientFactory,
        Func<IChatClient, IChatClient>? decorate = null)
    {
        // Decorated per deployment (a provider's client is shared by its deployments): the decorator sees which deployment it serves.
        var decorated = new Dictionary<(IChatClient Client, string Name), IChatClient>();
        IChatClient Decorate(IChatClient client, string name)
        {
            if (decorate is null)
            {
                return client;
            }

            if (!decorated.TryGetValue((client, name), out var wrapped))
            {
                wrapped = decorate(new DeploymentNamingClient(client, name));
                decorated[(client, name)] = wrapped;
            }

            return wrapped;
        }

        var providerClients = new Dictionary<string, IChatClient>(StringComparer.OrdinalIgnoreCase);
        var states = new Dictionary<string, DeploymentState>(StringComparer.OrdinalIgnoreCase);
        var entries = new Dictionary<string, List<LlmDeployment>>(StringComparer.OrdinalIgnoreCase);
        var aliasOrder = new List<string>();

        DeploymentState StateOf(string name)
        {
            if (!states.TryGetValue(name, out var state))
            {
                state = new DeploymentState(name);
                states[name] = state;
            }

            return state;
        }

        List<LlmDeployment> EntriesOf(string alias)
        {
            if (!entries.TryGetValue(alias, out var list))
            {
                list = [];
                entries[alias] = list;
                aliasOrder.Add(alias);
            }

            return list;
        }

        foreach (var (alias, model) in options.Models)
        {
            var list = EntriesOf(alias);
            foreach (var deployment in model.Deployments)
            {
                var provider = options.Providers[deployment.Provider];
                if (!providerClients.TryGetValue(deployment.Provider, out var client))
                {
                    if (clientFactory is null)
                    {
                        throw new InvalidOperationException($"No client factory is registered to create the client of provider '{deployment.Provider}'.");
                    }

                    client = clientFactory.Create(deployment.Provider, provider, credential: null);
                    providerClients[deployment.Provider] = client;
                }

                var name = string.IsNullOrWhiteSpace(deployment.Name) ? deployment.Provider + "/" + deployment.Model : deployment.Name;
                list.Add(new LlmDeployment(
                    alias,
                    name,
                    deployment.Provider,
                    LlmProviderDefaults.SystemOf(deployment.Provider, provider),
                    deployment.Model,
                    deployment,
                    Decorate(client, name),
                    StateOf(name),
                    provider.Type,
                    provider));
            }
        }

        foreach (var host in hostDeployments)
        {
            if (host.OnlyWithoutProviders && options.Providers.Count > 0)
            {
                continue;
            }

            var metadata = host.Client.GetService(typeof(ChatClientMetadata)) as ChatClientMetadata;
            var providerName = !string.IsNullOrWhiteSpace(host.Options.Provider) ? host.Options.Provider : metadata?.ProviderName ?? "custom";
            var model = !string.IsNullOrWhiteSpace(host.Options.Model) ? host.Options.Model : metadata?.DefaultModelId ?? host.Name;
            var system = metadata?.ProviderName ?? providerName;
            EntriesOf(host.Alias).Add(new LlmDeployment(
                host.Alias, host.Name, providerName, system, model, host.Options, Decorate(host.Client, host.Name), StateOf(host.Name), providerType: null, providerOptions: null));
        }

        var groups = new Dictionary<string, AliasGroup>(StringComparer.OrdinalIgnoreCase);
        var aliases = new List<AliasGroup>();
        foreach (var alias in aliasOrder)
        {
            options.Models.TryGetValue(alias, out var model);
            var ordered = entries[alias].OrderBy(d => d.Priority).ToArray();
            var group = new AliasGroup(alias, isAlias: true, model?.Strategy ?? RoutingStrategy.Priority, ordered, model?.ContextWindowFallback, model?.ContentPolicyFallback);
            groups[alias] = group;
            aliases.Add(group);
        }

        // Concrete names: a deployment name or a provider model routes over every deployment serving it, by priority.
        var distinct = new List<LlmDeployment>();
        var seenNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var byName = new Dictionary<string, List<LlmDeployment>>(StringComparer.OrdinalIgnoreCase);
        var byModel = new Dictionary<string, List<LlmDeployment>>(StringComparer.OrdinalIgnoreCase);
        var modelOrder = new List<string>();
        foreach (var alias in aliasOrder)
        {
            foreach (var deployment in entries[alias])
            {
                if (!seenNames.Add(deployment.Name))
                {
                    continue;
                }

                distinct.Add(deployment);
                byName[deployment.Name] = [deployment];
                if (!byModel.TryGetValue(deployment.Model, out var list))
                {
                    list = [];
                    byModel[deployment.Model] = list;
                    modelOrder.Add(deployment.Model);
                }

                list.Add(deployment);
            }
        }

        foreach (var (name, list) in byName)
        {
            groups.TryAdd(name, new AliasGroup(name, isAlias: false, RoutingStrategy.Priority, [.. list], null, null));
        }

        foreach (var model in modelOrder)
        {
            groups.TryAdd(model, new AliasGroup(model, isAlias: false, RoutingStrategy.Priority, [.. byModel[model].OrderBy(d => d.Priority)], null, null));
        }

        return new RouteTable(groups.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), [.. aliases], [.. distinct]);
    }
}
