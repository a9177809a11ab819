using System.Text.Json.Serialization;

namespace Foundation.Llm.Routing.Endpoints;

/// <summary><c>POST /api/v1/llm/chat</c>: a conversation for the app's own UI.</summary>
/// <param name="Model">An alias or provider model; default <c>chat</c>.</param>
/// <param name="Messages">The conversation so far, oldest first (1 to 100 messages).</param>
/// <param name="Stream">Answer server-sent text deltas instead of one JSON body.</param>
public sealed record LlmChatBody(string? Model, IReadOnlyList<LlmChatMessageBody>? Messages, bool? Stream);

/// <summary>One message of <see cref="LlmChatBody"/>.</summary>
/// <param name="Role"><c>system</c>, <c>user</c> or <c>assistant</c>.</param>
/// <param name="Content">The text.</param>
public sealed record LlmChatMessageBody(string? Role, string? Content);

/// <summary>The answer of <c>POST /api/v1/llm/chat</c>.</summary>
/// <param name="Content">The assistant's text.</param>
/// <param name="Model">The model that answered (the provider's id).</param>
/// <param name="Usage">Token counts.</param>
/// <param name="Deployment">The deployment the router chose, when it says.</param>
public sealed record LlmChatResponse(string Content, string? Model, LlmChatUsage Usage, string? Deployment);

/// <summary>Token counts of an answer.</summary>
/// <param name="InputTokens">All input tokens, cached included.</param>
/// <param name="OutputTokens">All output tokens, reasoning included.</param>
/// <param name="TotalTokens">Input plus output.</param>
/// <param name="CachedInputTokens">Input tokens read from the provider's cache.</param>
/// <param name="ReasoningTokens">Output tokens spent on reasoning.</param>
public sealed record LlmChatUsage(long InputTokens, long OutputTokens, long TotalTokens, long CachedInputTokens, long ReasoningTokens);

/// <summary>A streamed text delta (<c>event: delta</c>).</summary>
/// <param name="Text">The next piece of the answer.</param>
public sealed record LlmChatDelta(string Text);

/// <summary>The last streamed event (<c>event: done</c>).</summary>
/// <param name="Model">The model that answered.</param>
/// <param name="Usage">Token counts.</param>
/// <param name="Deployment">The deployment the router chose, when it says.</param>
public sealed record LlmChatDone(string? Model, LlmChatUsage Usage, string? Deployment);

/// <summary>A failure after streaming started (<c>event: error</c>).</summary>
/// <param name="Status">The HTTP status the failure would have had.</param>
/// <param name="Title">A short title.</param>
/// <param name="Detail">What happened.</param>
/// <param name="Code">A stable code (<c>rate_limit_exceeded</c>, <c>timeout</c>).</param>
public sealed record LlmChatError(int Status, string Title, string Detail, string? Code);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LlmChatDelta))]
[JsonSerializable(typeof(LlmChatDone))]
[JsonSerializable(typeof(LlmChatError))]
internal sealed partial class LlmJsonContext : JsonSerializerContext;
