namespace Foundation.Llm.Routing.Providers;

/// <summary>Settings of one <c>AnthropicChatClient</c> (Messages API).</summary>
public sealed class AnthropicChatClientOptions
{
    /// <summary>The base URL; requests go to <c>{BaseUrl}/messages</c>. Default <c>https://api.anthropic.com/v1</c>.</summary>
    public Uri BaseUrl { get; set; } = new("https://api.anthropic.com/v1");

    /// <summary>The API key, sent as <c>x-api-key</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The <c>anthropic-version</c> header. Default <c>2023-06-01</c>.</summary>
    public string AnthropicVersion { get; set; } = "2023-06-01";

    /// <summary>The model used when <c>ChatOptions.ModelId</c> is not set.</summary>
    public string? DefaultModel { get; set; }

    /// <summary><c>max_tokens</c> when the request sets none (the Messages API requires one). Default 4096.</summary>
    public int DefaultMaxTokens { get; set; } = 4096;

    /// <summary>The configured provider name (for errors and telemetry).</summary>
    public string ProviderName { get; set; } = "anthropic";

    /// <summary>Extra headers sent on every request.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The longest wait for the next stream event once a stream has started (the HTTP client's own timeout covers only the
    /// time to the response headers of a stream). <see langword="null"/> (default): no limit.
    /// </summary>
    public TimeSpan? StreamIdleTimeout { get; set; }
}
