using Foundation.Llm.Routing;
using Foundation.Llm.Routing.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Foundation.Hosting.Composition;

/// <summary>
/// Switches real providers on from the usual environment variables when <c>Foundation:Llm</c> configures none:
/// <c>OPENAI_API_KEY</c> adds provider <c>openai</c> (OpenAI, model <c>gpt-4o-mini</c>) and <c>ANTHROPIC_API_KEY</c> adds
/// provider <c>anthropic</c> (Anthropic, model <c>claude-3-5-haiku-latest</c>), both behind the alias <c>chat</c> with the
/// priority strategy (OpenAI first when both are set). Any configured provider or model turns this off: configuration wins.
/// </summary>
internal sealed class LlmEnvironmentProviders : IPostConfigureOptions<LlmRoutingOptions>
{
    public const string OpenAIKeyVariable = "OPENAI_API_KEY";
    public const string AnthropicKeyVariable = "ANTHROPIC_API_KEY";
    public const string OpenAIModel = "gpt-4o-mini";
    public const string AnthropicModel = "claude-3-5-haiku-latest";
    public const string Alias = "chat";

    private readonly IConfiguration _configuration;

    public LlmEnvironmentProviders(IConfiguration configuration) => _configuration = configuration;

    /// <summary>Whether any real provider will be configured: under <c>Foundation:Llm:Providers</c> or by the environment variables.</summary>
    public static bool HasConfiguredProviders(IConfiguration configuration) =>
        configuration.GetSection(LlmRoutingOptions.SectionName + ":Providers").GetChildren().Any()
        || !string.IsNullOrWhiteSpace(configuration[OpenAIKeyVariable])
        || !string.IsNullOrWhiteSpace(configuration[AnthropicKeyVariable]);

    public void PostConfigure(string? name, LlmRoutingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Providers.Count > 0 || options.Models.Count > 0)
        {
            return;
        }

        var openAIKey = _configuration[OpenAIKeyVariable];
        var anthropicKey = _configuration[AnthropicKeyVariable];
        if (string.IsNullOrWhiteSpace(openAIKey) && string.IsNullOrWhiteSpace(anthropicKey))
        {
            return;
        }

        var chat = new LlmModelOptions { Strategy = RoutingStrategy.Priority };
        if (!string.IsNullOrWhiteSpace(openAIKey))
        {
            options.Providers["openai"] = new LlmProviderOptions { Type = LlmProviderType.OpenAI, ApiKey = openAIKey.Trim() };
            chat.Deployments.Add(new LlmDeploymentOptions { Provider = "openai", Model = OpenAIModel, Priority = 0 });
        }

        if (!string.IsNullOrWhiteSpace(anthropicKey))
        {
            options.Providers["anthropic"] = new LlmProviderOptions { Type = LlmProviderType.Anthropic, ApiKey = anthropicKey.Trim() };
            chat.Deployments.Add(new LlmDeploymentOptions { Provider = "anthropic", Model = AnthropicModel, Priority = 1 });
        }

        options.Models[Alias] = chat;
    }
}
