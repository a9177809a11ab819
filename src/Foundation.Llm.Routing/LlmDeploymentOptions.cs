namespace Foundation.Llm.Routing;

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
