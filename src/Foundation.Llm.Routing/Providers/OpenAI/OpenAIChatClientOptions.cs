namespace Foundation.Llm.Routing.Providers;

/// <summary>Settings of one <c>OpenAIChatClient</c>: OpenAI, Azure OpenAI or an OpenAI-compatible server.</summary>
public sealed class OpenAIChatClientOptions
{
    /// <summary>The base URL; requests go to <c>{BaseUrl}/chat/completions</c>. Default <c>https://api.openai.com/v1</c>.</summary>
    public Uri BaseUrl { get; set; } = new("https://api.openai.com/v1");

    /// <summary>The API key: sent as <c>Authorization: Bearer</c>, or as <c>api-key</c> when <see cref="ApiVersion"/> is set (Azure).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Azure OpenAI's <c>api-version</c>; when set the request is Azure's form (query parameter, <c>api-key</c> header).</summary>
    public string? ApiVersion { get; set; }

    /// <summary>The model used when <c>ChatOptions.ModelId</c> is not set.</summary>
    public string? DefaultModel { get; set; }

    /// <summary>The configured provider name (for errors and telemetry).</summary>
    public string ProviderName { get; set; } = "openai";

    /// <summary>The <c>gen_ai.system</c> value reported in metadata.</summary>
    public string System { get; set; } = "openai";

    /// <summary>Extra headers sent on every request.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Whether the output cap is sent as <c>max_completion_tokens</c> (OpenAI's current name, required by its reasoning models)
    /// instead of <c>max_tokens</c> (what most OpenAI-compatible servers read). <see langword="null"/> (default): <c>max_completion_tokens</c>
    /// for <c>api.openai.com</c> and Azure OpenAI (<see cref="ApiVersion"/> set), <c>max_tokens</c> for every other base URL.
    /// </summary>
    public bool? UseMaxCompletionTokens { get; set; }

    /// <summary>
    /// Whether streams send <c>stream_options: {"include_usage": true}</c> so the last chunk carries the usage. <see langword="null"/>
    /// (default): yes, except to <c>api.mistral.ai</c>, which rejects the field (422) and reports usage in its last chunk anyway.
    /// </summary>
    public bool? IncludeStreamUsage { get; set; }

    /// <summary>
    /// The longest wait for the next stream event once a stream has started (the HTTP client's own timeout covers only the
    /// time to the response headers of a stream). <see langword="null"/> (default): no limit.
    /// </summary>
    public TimeSpan? StreamIdleTimeout { get; set; }
}
