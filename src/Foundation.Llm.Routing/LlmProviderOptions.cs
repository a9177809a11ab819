using Foundation.Llm.Routing.Providers;

namespace Foundation.Llm.Routing;

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
