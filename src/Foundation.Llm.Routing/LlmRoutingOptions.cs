using Foundation.Llm.Routing.Providers;

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

/// <summary>One provider account: its wire format, endpoint and credentials.</summary>
public sealed class LlmProviderOptions
{
    /// <summary>The wire format: <c>OpenAI</c>, <c>AzureOpenAI</c>, <c>OpenAICompatible</c> or <c>Anthropic</c>.</summary>
    public LlmProviderType Type { get; set; }

    /// <summary>
    /// The API's base URL. Defaults to <c>https://api.openai.com/v1</c> for OpenAI and <c>https://api.anthropic.com/v1</c>
    /// for Anthropic; required for OpenAI-compatible servers and Azure OpenAI (<c>https://{resource}.openai.azure.com/openai/deployments/{deployment}</c>).
    /// </summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The API key. Optional for local OpenAI-compatible servers.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Azure OpenAI's <c>api-version</c> query value (required when <see cref="Type"/> is <c>AzureOpenAI</c>).</summary>
    public string? ApiVersion { get; set; }

    /// <summary>The value reported as <c>gen_ai.system</c>; defaults from <see cref="Type"/> (<c>openai</c>, <c>az.ai.openai</c>, <c>anthropic</c>) or the provider's name.</summary>
    public string? System { get; set; }

    /// <summary>Extra request headers sent on every call (for example <c>OpenAI-Organization</c>).</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}

/// <summary>A model alias: how to choose among its deployments and where to go when none fits.</summary>
public sealed class LlmModelOptions
{
    /// <summary>How a deployment is chosen. Default <see cref="RoutingStrategy.Priority"/>.</summary>
    public RoutingStrategy Strategy { get; set; } = RoutingStrategy.Priority;

    /// <summary>The deployments serving this alias.</summary>
    public IList<LlmDeploymentOptions> Deployments { get; } = new List<LlmDeploymentOptions>();

    /// <summary>An alias with larger context windows to use when the prompt exceeds every deployment's window here.</summary>
    public string? ContextWindowFallback { get; set; }

    /// <summary>An alias to try when a provider refuses the content by policy.</summary>
    public string? ContentPolicyFallback { get; set; }
}

/// <summary>One provider model serving an alias, with its limits and capabilities.</summary>
public sealed class LlmDeploymentOptions
{
    /// <summary>The provider's name, a key of <see cref="LlmRoutingOptions.Providers"/>.</summary>
    public string Provider { get; set; } = string.Empty;

    /// <summary>The provider's model id (<c>gpt-4o-mini</c>).</summary>
    public string Model { get; set; } = string.Empty;

    /// <summary>A name for metrics and logs; defaults to <c>{provider}/{model}</c>.</summary>
    public string? Name { get; set; }

    /// <summary>Lower is tried first by the priority strategy.</summary>
    public int Priority { get; set; }

    /// <summary>The relative share for weighted random; default 1.</summary>
    public int Weight { get; set; } = 1;

    /// <summary>Requests per minute this deployment may take; <see langword="null"/> for no limit.</summary>
    public int? Rpm { get; set; }

    /// <summary>Tokens per minute this deployment may take; <see langword="null"/> for no limit.</summary>
    public long? Tpm { get; set; }

    /// <summary>The context window in tokens; <see langword="null"/> when unknown (never filtered).</summary>
    public long? ContextWindow { get; set; }

    /// <summary>The largest output the model produces, in tokens.</summary>
    public long? MaxOutputTokens { get; set; }

    /// <summary>Whether the model accepts tools. Default true.</summary>
    public bool SupportsTools { get; set; } = true;

    /// <summary>Whether the model accepts images. Default false.</summary>
    public bool SupportsVision { get; set; }

    /// <summary>Whether the model honours a JSON response format. Default true.</summary>
    public bool SupportsJsonMode { get; set; } = true;
}

/// <summary>How a deployment is chosen among the healthy, capable and allowed ones.</summary>
public enum RoutingStrategy
{
    /// <summary>Ordered fallback: lowest <see cref="LlmDeploymentOptions.Priority"/> first.</summary>
    Priority,

    /// <summary>Random, in proportion to <see cref="LlmDeploymentOptions.Weight"/>.</summary>
    WeightedRandom,

    /// <summary>Each in turn.</summary>
    RoundRobin,

    /// <summary>The one with the fewest requests in flight.</summary>
    LeastInFlight,

    /// <summary>The lowest exponentially weighted latency (time to first token for streams).</summary>
    LowestLatency,

    /// <summary>The most RPM/TPM headroom on sliding one-minute windows.</summary>
    UsageBased,

    /// <summary>The cheapest for the estimated request, from the registered price provider.</summary>
    LowestCost,
}
