using Foundation.Llm.Routing.Credentials;
using Foundation.Llm.Routing.Outbound;
using Foundation.Llm.Routing.Providers;
using Foundation.Llm.Routing.Providers.Anthropic;
using Foundation.Llm.Routing.Providers.OpenAI;
using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Routing;

/// <summary>
/// Creates <see cref="OpenAIChatClient"/> (OpenAI, Azure OpenAI, OpenAI-compatible) and <see cref="AnthropicChatClient"/> on
/// <see cref="IHttpClientFactory"/> named clients <c>Foundation.Llm.{providerName}</c>, or <see cref="OutboundAddressPolicy.HttpClientName"/>
/// when a caller's credential brings its own base URL.
/// </summary>
internal sealed class DefaultLlmClientFactory : ILlmClientFactory
{
    /// <summary>The prefix of the named HttpClients.</summary>
    internal const string HttpClientNamePrefix = "Foundation.Llm.";

    private readonly IHttpClientFactory _httpClientFactory;

    public DefaultLlmClientFactory(IHttpClientFactory httpClientFactory) => _httpClientFactory = httpClientFactory;

    public IChatClient Create(string providerName, LlmProviderOptions options, ProviderCredential? credential)
    {
        ArgumentNullException.ThrowIfNull(providerName);
        ArgumentNullException.ThrowIfNull(options);
        // A base URL from a caller's credential is the caller's choice, so its connections go through the outbound address guard;
        // the configured provider's own URL (also with a caller's key) is the operator's and stays on the provider's client.
        var httpClient = _httpClientFactory.CreateClient(credential?.BaseUrl is not null ? OutboundAddressPolicy.HttpClientName : HttpClientNamePrefix + providerName);
        var apiKey = credential?.ApiKey ?? options.ApiKey;
        var baseUrl = credential?.BaseUrl ?? options.BaseUrl;
        if (options.Type == LlmProviderType.Anthropic)
        {
            var anthropic = new AnthropicChatClientOptions { ApiKey = apiKey, ProviderName = providerName };
            if (baseUrl is not null)
            {
                anthropic.BaseUrl = baseUrl;
            }

            foreach (var (header, value) in options.Headers)
            {
                anthropic.Headers[header] = value;
            }

            return new AnthropicChatClient(httpClient, anthropic);
        }

        var openAI = new OpenAIChatClientOptions
        {
            ApiKey = apiKey,
            ApiVersion = options.Type == LlmProviderType.AzureOpenAI ? options.ApiVersion : null,
            ProviderName = providerName,
            System = LlmProviderDefaults.SystemOf(providerName, options),
        };
        if (baseUrl is not null)
        {
            openAI.BaseUrl = baseUrl;
        }

        foreach (var (header, value) in options.Headers)
        {
            openAI.Headers[header] = value;
        }

        return new OpenAIChatClient(httpClient, openAI);
    }
}
