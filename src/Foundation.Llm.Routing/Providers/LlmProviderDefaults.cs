namespace Foundation.Llm.Routing.Providers;

/// <summary>Defaults derived from a provider's type.</summary>
internal static class LlmProviderDefaults
{
    /// <summary>The <c>gen_ai.system</c> of a provider: its configured <see cref="LlmProviderOptions.System"/>, else by type.</summary>
    public static string SystemOf(string providerName, LlmProviderOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.System))
        {
            return options.System;
        }

        return options.Type switch
        {
            LlmProviderType.OpenAI => "openai",
            LlmProviderType.AzureOpenAI => "az.ai.openai",
            LlmProviderType.Anthropic => "anthropic",
            _ => providerName,
        };
    }
}
