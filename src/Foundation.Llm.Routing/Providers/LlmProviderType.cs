namespace Foundation.Llm.Routing.Providers;

/// <summary>A provider's wire format.</summary>
public enum LlmProviderType
{
    /// <summary>OpenAI's Chat Completions API at api.openai.com.</summary>
    OpenAI,

    /// <summary>Azure OpenAI: the Chat Completions format under a deployment URL with <c>api-version</c> and an <c>api-key</c> header.</summary>
    AzureOpenAI,

    /// <summary>Any server speaking Chat Completions at a base URL (Ollama, vLLM, LM Studio, Groq, Together, Mistral, HuggingFace TGI).</summary>
    OpenAICompatible,

    /// <summary>Anthropic's Messages API.</summary>
    Anthropic,
}
