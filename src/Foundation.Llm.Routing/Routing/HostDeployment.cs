using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Routing;

/// <summary>A host's own <see cref="IChatClient"/> registered as a deployment of <see cref="Alias"/> through <c>LlmRoutingBuilder.AddDeployment</c>.</summary>
internal sealed class HostDeployment
{
    public HostDeployment(string alias, string name, IChatClient client, LlmDeploymentOptions options, bool onlyWithoutProviders = false)
    {
        OnlyWithoutProviders = onlyWithoutProviders;
        Alias = alias;
        Name = name;
        Client = client;
        Options = options;
    }

    public string Alias { get; }

    public string Name { get; }

    public IChatClient Client { get; }

    public LlmDeploymentOptions Options { get; }

    /// <summary>Whether the deployment serves only while <c>Foundation:Llm</c> configures no provider (a fallback such as an offline demo).</summary>
    public bool OnlyWithoutProviders { get; }
}
