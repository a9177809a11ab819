using Foundation.Llm.Routing.Providers;
using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Routing;

/// <summary>One deployment entry of an alias: its settings copied into fields for the selection loop, its client and its shared live state.</summary>
internal sealed class LlmDeployment
{
    public LlmDeployment(
        string alias,
        string name,
        string providerName,
        string system,
        string model,
        LlmDeploymentOptions options,
        IChatClient client,
        DeploymentState state,
        LlmProviderType? providerType,
        LlmProviderOptions? providerOptions)
    {
        Alias = alias;
        Name = name;
        ProviderName = providerName;
        System = system;
        Model = model;
        Client = client;
        State = state;
        ProviderType = providerType;
        ProviderOptions = providerOptions;
        Priority = options.Priority;
        Weight = options.Weight;
        Rpm = options.Rpm ?? 0;
        Tpm = options.Tpm ?? 0;
        ContextWindow = options.ContextWindow ?? 0;
        SupportsTools = options.SupportsTools;
        SupportsVision = options.SupportsVision;
        SupportsJsonMode = options.SupportsJsonMode;
    }

    public string Alias { get; }

    public string Name { get; }

    /// <summary>The configured provider name (<c>openai</c>), or the host client's provider for a host deployment.</summary>
    public string ProviderName { get; }

    /// <summary>The <c>gen_ai.system</c> value.</summary>
    public string System { get; }

    public string Model { get; }

    public IChatClient Client { get; }

    public DeploymentState State { get; }

    /// <summary>The wire format, or <see langword="null"/> for a host's own client (never given to the credential resolver).</summary>
    public LlmProviderType? ProviderType { get; }

    public LlmProviderOptions? ProviderOptions { get; }

    public int Priority { get; }

    public int Weight { get; }

    /// <summary>Requests per minute; 0 for no limit.</summary>
    public int Rpm { get; }

    /// <summary>Tokens per minute; 0 for no limit.</summary>
    public long Tpm { get; }

    /// <summary>The context window; 0 when unknown.</summary>
    public long ContextWindow { get; }

    public bool SupportsTools { get; }

    public bool SupportsVision { get; }

    public bool SupportsJsonMode { get; }

    // Lowest-cost cache: USD per token, refreshed from IModelPriceProvider once a minute (per alias, see CostFrontier). Benign races (last writer wins).
    public double InputPrice;
    public double OutputPrice;
    public bool PriceKnown;
}
