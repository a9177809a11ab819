using System.Text.Json;
using System.Text.Json.Serialization;

namespace Foundation.Llm.Routing.Providers.Internal;

/// <summary>
/// Source-generated System.Text.Json metadata for the providers' response bodies and stream events. Requests are written with
/// <see cref="Utf8JsonWriter"/> directly (their shape depends on the message contents), responses are read into these DTOs.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(OpenAIChatCompletion))]
[JsonSerializable(typeof(OpenAIChatChunk))]
[JsonSerializable(typeof(AnthropicMessage))]
[JsonSerializable(typeof(AnthropicStreamEvent))]
[JsonSerializable(typeof(Dictionary<string, object?>))]
internal sealed partial class ProviderJsonContext : JsonSerializerContext;

// ---- OpenAI Chat Completions (https://platform.openai.com/docs/api-reference/chat/object and .../streaming) ----

/// <summary>
/// A <c>chat.completion.chunk</c> without the members that repeat on every chunk (<c>id</c>, <c>created</c>, <c>model</c>): once
/// the first chunk gave them, later chunks are read into this type so those strings are skipped, not allocated, per token.
/// </summary>
internal class OpenAIChatChunk
{
    public List<OpenAIChoice>? Choices { get; set; }

    public OpenAIUsage? Usage { get; set; }

    /// <summary>Some servers (and OpenAI, rarely, mid-stream) send an error object in place of a chunk.</summary>
    public JsonElement? Error { get; set; }
}

/// <summary>A <c>chat.completion</c> object, or a whole <c>chat.completion.chunk</c> of a stream.</summary>
internal sealed class OpenAIChatCompletion : OpenAIChatChunk
{
    public string? Id { get; set; }

    public long? Created { get; set; }

    public string? Model { get; set; }
}

internal sealed class OpenAIChoice
{
    public int Index { get; set; }

    /// <summary>The message of a non-streaming completion.</summary>
    public OpenAIMessage? Message { get; set; }

    /// <summary>The increment of a stream chunk.</summary>
    public OpenAIMessage? Delta { get; set; }

    public string? FinishReason { get; set; }
}

internal sealed class OpenAIMessage
{
    public string? Role { get; set; }

    public string? Content { get; set; }

    public string? Refusal { get; set; }

    /// <summary>Reasoning text of servers that expose it (vLLM, DeepSeek: <c>reasoning_content</c>).</summary>
    public string? ReasoningContent { get; set; }

    /// <summary>Reasoning text of servers that name it <c>reasoning</c> (Ollama, OpenRouter).</summary>
    public string? Reasoning { get; set; }

    public List<OpenAIToolCall>? ToolCalls { get; set; }
}

internal sealed class OpenAIToolCall
{
    /// <summary>The position of the call, present in stream deltas to stitch argument fragments together.</summary>
    public int? Index { get; set; }

    public string? Id { get; set; }

    public string? Type { get; set; }

    public OpenAIFunctionCall? Function { get; set; }
}

internal sealed class OpenAIFunctionCall
{
    public string? Name { get; set; }

    public string? Arguments { get; set; }
}

internal sealed class OpenAIUsage
{
    public long? PromptTokens { get; set; }

    public long? CompletionTokens { get; set; }

    public long? TotalTokens { get; set; }

    public OpenAIPromptTokensDetails? PromptTokensDetails { get; set; }

    public OpenAICompletionTokensDetails? CompletionTokensDetails { get; set; }
}

internal sealed class OpenAIPromptTokensDetails
{
    public long? CachedTokens { get; set; }

    public long? AudioTokens { get; set; }
}

internal sealed class OpenAICompletionTokensDetails
{
    public long? ReasoningTokens { get; set; }

    public long? AudioTokens { get; set; }

    public long? AcceptedPredictionTokens { get; set; }

    public long? RejectedPredictionTokens { get; set; }
}

// ---- Anthropic Messages (https://docs.anthropic.com/en/api/messages and .../messages-streaming) ----

/// <summary>A <c>message</c> object (the whole response, or the shell in <c>message_start</c>).</summary>
internal sealed class AnthropicMessage
{
    public string? Id { get; set; }

    public string? Type { get; set; }

    public string? Role { get; set; }

    public string? Model { get; set; }

    public List<AnthropicContentBlock>? Content { get; set; }

    public string? StopReason { get; set; }

    public string? StopSequence { get; set; }

    public AnthropicUsage? Usage { get; set; }
}

internal sealed class AnthropicContentBlock
{
    public string? Type { get; set; }

    public string? Text { get; set; }

    public string? Id { get; set; }

    public string? Name { get; set; }

    public JsonElement? Input { get; set; }

    public string? Thinking { get; set; }

    public string? Signature { get; set; }

    /// <summary>The opaque payload of a <c>redacted_thinking</c> block.</summary>
    public string? Data { get; set; }
}

internal sealed class AnthropicUsage
{
    public long? InputTokens { get; set; }

    public long? OutputTokens { get; set; }

    public long? CacheCreationInputTokens { get; set; }

    public long? CacheReadInputTokens { get; set; }

    public AnthropicCacheCreation? CacheCreation { get; set; }
}

internal sealed class AnthropicCacheCreation
{
    [JsonPropertyName("ephemeral_5m_input_tokens")]
    public long? Ephemeral5mInputTokens { get; set; }

    [JsonPropertyName("ephemeral_1h_input_tokens")]
    public long? Ephemeral1hInputTokens { get; set; }
}

/// <summary>One event of a Messages stream; which members are set depends on <see cref="Type"/>.</summary>
internal sealed class AnthropicStreamEvent
{
    public string? Type { get; set; }

    /// <summary><c>message_start</c>.</summary>
    public AnthropicMessage? Message { get; set; }

    /// <summary><c>content_block_start</c>, <c>content_block_delta</c>, <c>content_block_stop</c>.</summary>
    public int? Index { get; set; }

    /// <summary><c>content_block_start</c>.</summary>
    public AnthropicContentBlock? ContentBlock { get; set; }

    /// <summary><c>content_block_delta</c> (text, partial JSON, thinking, signature) or <c>message_delta</c> (stop reason).</summary>
    public AnthropicDelta? Delta { get; set; }

    /// <summary><c>message_delta</c>: cumulative usage.</summary>
    public AnthropicUsage? Usage { get; set; }

    /// <summary><c>error</c>.</summary>
    public AnthropicError? Error { get; set; }
}

internal sealed class AnthropicDelta
{
    public string? Type { get; set; }

    public string? Text { get; set; }

    public string? PartialJson { get; set; }

    public string? Thinking { get; set; }

    public string? Signature { get; set; }

    public string? StopReason { get; set; }

    public string? StopSequence { get; set; }
}

internal sealed class AnthropicError
{
    public string? Type { get; set; }

    public string? Message { get; set; }
}
