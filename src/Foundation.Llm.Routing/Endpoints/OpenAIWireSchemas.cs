using System.Text.Json;
using System.Text.Json.Serialization;

namespace Foundation.Llm.Routing.Endpoints;

// The shapes of the OpenAI-compatible surface, for the OpenAPI document only: the gateway parses requests with
// OpenAIChatRequest and writes answers with OpenAIWire (no DTO on the hot path). OpenAIWireSchemasTests checks that
// these names are the ones the parser accepts and the writer produces, so the document cannot drift from the code.
#pragma warning disable CA1812 // Never instantiated: described, not used.

/// <summary>A Chat Completions request: the fields the gateway reads (other OpenAI parameters are accepted and not forwarded).</summary>
internal sealed record ChatCompletionRequestSchema(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("messages")] IReadOnlyList<ChatMessageSchema> Messages,
    [property: JsonPropertyName("stream")] bool? Stream,
    [property: JsonPropertyName("stream_options")] StreamOptionsSchema? StreamOptions,
    [property: JsonPropertyName("max_tokens")] int? MaxTokens,
    [property: JsonPropertyName("max_completion_tokens")] int? MaxCompletionTokens,
    [property: JsonPropertyName("temperature")] double? Temperature,
    [property: JsonPropertyName("top_p")] double? TopP,
    [property: JsonPropertyName("frequency_penalty")] double? FrequencyPenalty,
    [property: JsonPropertyName("presence_penalty")] double? PresencePenalty,
    [property: JsonPropertyName("seed")] long? Seed,
    [property: JsonPropertyName("stop")] JsonElement? Stop,
    [property: JsonPropertyName("n")] int? N,
    [property: JsonPropertyName("user")] string? User,
    [property: JsonPropertyName("tools")] IReadOnlyList<ToolSchema>? Tools,
    [property: JsonPropertyName("tool_choice")] JsonElement? ToolChoice,
    [property: JsonPropertyName("parallel_tool_calls")] bool? ParallelToolCalls,
    [property: JsonPropertyName("response_format")] JsonElement? ResponseFormat);

/// <summary>A message: <c>content</c> is a string or an array of text and image_url parts.</summary>
internal sealed record ChatMessageSchema(
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("content")] JsonElement? Content,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("tool_call_id")] string? ToolCallId,
    [property: JsonPropertyName("tool_calls")] IReadOnlyList<ToolCallSchema>? ToolCalls);

/// <summary><c>stream_options</c>.</summary>
internal sealed record StreamOptionsSchema([property: JsonPropertyName("include_usage")] bool? IncludeUsage);

/// <summary>A function tool the model may call.</summary>
internal sealed record ToolSchema(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("function")] FunctionSchema Function);

/// <summary>A function: name, description and JSON-schema parameters.</summary>
internal sealed record FunctionSchema(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("parameters")] JsonElement? Parameters);

/// <summary>A tool call the assistant made.</summary>
internal sealed record ToolCallSchema(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("function")] ToolCallFunctionSchema Function);

/// <summary>The function of a tool call: its name and JSON-encoded arguments.</summary>
internal sealed record ToolCallFunctionSchema(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("arguments")] string Arguments);

/// <summary>A <c>chat.completion</c> (with <c>stream: true</c>, server-sent <c>chat.completion.chunk</c> events instead).</summary>
internal sealed record ChatCompletionSchema(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("choices")] IReadOnlyList<ChoiceSchema> Choices,
    [property: JsonPropertyName("usage")] UsageSchema Usage,
    [property: JsonPropertyName("system_fingerprint")] string? SystemFingerprint);

/// <summary>One choice.</summary>
internal sealed record ChoiceSchema(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("message")] AssistantMessageSchema Message,
    [property: JsonPropertyName("finish_reason")] string FinishReason,
    [property: JsonPropertyName("logprobs")] JsonElement? Logprobs);

/// <summary>The assistant's message.</summary>
internal sealed record AssistantMessageSchema(
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("content")] string? Content,
    [property: JsonPropertyName("refusal")] string? Refusal,
    [property: JsonPropertyName("tool_calls")] IReadOnlyList<ToolCallSchema>? ToolCalls);

/// <summary>Token usage, with cached and reasoning tokens.</summary>
internal sealed record UsageSchema(
    [property: JsonPropertyName("prompt_tokens")] long PromptTokens,
    [property: JsonPropertyName("completion_tokens")] long CompletionTokens,
    [property: JsonPropertyName("total_tokens")] long TotalTokens,
    [property: JsonPropertyName("prompt_tokens_details")] PromptTokensDetailsSchema PromptTokensDetails,
    [property: JsonPropertyName("completion_tokens_details")] CompletionTokensDetailsSchema CompletionTokensDetails);

/// <summary>Details of the prompt tokens.</summary>
internal sealed record PromptTokensDetailsSchema([property: JsonPropertyName("cached_tokens")] long CachedTokens);

/// <summary>Details of the completion tokens.</summary>
internal sealed record CompletionTokensDetailsSchema([property: JsonPropertyName("reasoning_tokens")] long ReasoningTokens);

/// <summary><c>GET /v1/models</c>: a list of models.</summary>
internal sealed record ModelListSchema(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("data")] IReadOnlyList<ModelSchema> Data);

/// <summary>A model or alias.</summary>
internal sealed record ModelSchema(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("owned_by")] string OwnedBy);

/// <summary>OpenAI's error shape, which every error on <c>/v1/*</c> uses.</summary>
internal sealed record OpenAIErrorSchema([property: JsonPropertyName("error")] OpenAIErrorBodySchema Error);

/// <summary>The error: message, type, the parameter at fault and a code.</summary>
internal sealed record OpenAIErrorBodySchema(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("param")] string? Param,
    [property: JsonPropertyName("code")] string? Code);
#pragma warning restore CA1812
