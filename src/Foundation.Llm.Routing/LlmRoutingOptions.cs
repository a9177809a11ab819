namespace Foundation.Llm.Routing;

/// <summary>
/// The providers and model aliases of the router, bound from <c>Foundation:Llm</c>
/// (environment variables: <c>Foundation__Llm__...</c>).
/// </summary>
public sealed class LlmRoutingOptions
{
    /// <summary>The configuration section: <c>Foundation:Llm</c>.</summary>
    public const string SectionName = "Foundation:Llm";

    /// <summary>Providers by a name of the host's choosing (<c>openai</c>, <c>claude</c>, <c>local</c>).</summary>
    public IDictionary<string, LlmProviderOptions> Providers { get; } = new Dictionary<string, LlmProviderOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Model aliases (<c>chat</c>) and the deployments that serve them.</summary>
    public IDictionary<string, LlmModelOptions> Models { get; } = new Dictionary<string, LlmModelOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Timeouts, retries, fallbacks and cooldowns (<c>Foundation:Llm:Resilience</c>).</summary>
    public LlmResilienceOptions Resilience { get; } = new();

    /// <summary>Model allow/deny lists and token caps per role and per tenant (<c>Foundation:Llm:Policies</c>).</summary>
    public LlmPolicyOptions Policies { get; } = new();
}
