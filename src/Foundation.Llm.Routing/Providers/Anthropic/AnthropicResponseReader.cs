using System.Text;
using System.Text.Json;
using Foundation.Llm.Routing.Errors;
using Foundation.Llm.Routing.Providers.Internal;
using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Providers.Anthropic;

/// <summary>Turns Messages API responses and stream events into M.E.AI types.</summary>
internal static class AnthropicResponseReader
{
    /// <summary>Maps a <c>message</c> body; throws <see cref="LlmProviderException"/> for malformed or refused answers.</summary>
    public static ChatResponse ReadResponse(ReadOnlySpan<byte> body, string provider)
    {
        AnthropicMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(body, ProviderJsonContext.Default.AnthropicMessage);
        }
        catch (JsonException ex)
        {
            throw ProviderErrors.Malformed(provider, $"the body is not a message ({ex.Message})", ex);
        }

        if (message?.Content is null || !string.Equals(message.Type, "message", StringComparison.Ordinal))
        {
            throw ProviderErrors.Malformed(provider, "the body is not a message with content blocks.");
        }

        var finishReason = MapStopReason(message.StopReason);
        var contents = new List<AIContent>(message.Content.Count);
        foreach (var block in message.Content)
        {
            switch (block.Type)
            {
                case "text" when block.Text is { Length: > 0 }:
                    contents.Add(new TextContent(block.Text));
                    break;
                case "thinking":
                    contents.Add(new TextReasoningContent(block.Thinking) { ProtectedData = block.Signature });
                    break;
                case "redacted_thinking":
                    contents.Add(new TextReasoningContent(string.Empty) { ProtectedData = block.Data });
                    break;
                case "tool_use":
                    contents.Add(ProviderJson.FunctionCall(block.Id ?? string.Empty, block.Name ?? string.Empty, block.Input));
                    break;
            }
        }

        if (finishReason == ChatFinishReason.ContentFilter && !contents.Exists(static c => c is TextContent or FunctionCallContent))
        {
            throw Refused(provider);
        }

        return new ChatResponse(new ChatMessage(ChatRole.Assistant, contents) { MessageId = message.Id })
        {
            ResponseId = message.Id,
            ModelId = message.Model,
            FinishReason = finishReason,
            Usage = message.Usage is { } usage ? MapUsage(usage, null) : null,
        };
    }

    /// <summary>
    /// Anthropic usage per <see cref="LlmUsageKeys"/>: input = <c>input_tokens + cache_read_input_tokens + cache_creation_input_tokens</c>,
    /// cached input = cache reads, cache writes (and their 5-minute / 1-hour split) in <see cref="UsageDetails.AdditionalCounts"/>.
    /// </summary>
    /// <param name="usage">The usage object (of the message, or of <c>message_delta</c>).</param>
    /// <param name="start">The usage of <c>message_start</c>, whose input counts stand when <paramref name="usage"/> lacks them.</param>
    public static UsageDetails MapUsage(AnthropicUsage usage, AnthropicUsage? start)
    {
        var uncached = usage.InputTokens ?? start?.InputTokens ?? 0;
        var cacheRead = usage.CacheReadInputTokens ?? start?.CacheReadInputTokens ?? 0;
        var cacheWrite = usage.CacheCreationInputTokens ?? start?.CacheCreationInputTokens ?? 0;
        var split = usage.CacheCreation ?? start?.CacheCreation;
        var input = uncached + cacheRead + cacheWrite;
        var output = usage.OutputTokens ?? start?.OutputTokens ?? 0;
        var details = new UsageDetails
        {
            InputTokenCount = input,
            OutputTokenCount = output,
            TotalTokenCount = input + output,
            CachedInputTokenCount = cacheRead,
        };
        if (cacheWrite > 0)
        {
            details.AdditionalCounts = new AdditionalPropertiesDictionary<long> { [LlmUsageKeys.CacheWriteInputTokens] = cacheWrite };
            if (split?.Ephemeral5mInputTokens is { } fiveMinutes)
            {
                details.AdditionalCounts[LlmUsageKeys.CacheWrite5mInputTokens] = fiveMinutes;
            }

            if (split?.Ephemeral1hInputTokens is { } oneHour)
            {
                details.AdditionalCounts[LlmUsageKeys.CacheWrite1hInputTokens] = oneHour;
            }
        }

        return details;
    }

    /// <summary>Anthropic's stop reasons on M.E.AI's finish reasons (unknown ones are kept as they are).</summary>
    public static ChatFinishReason? MapStopReason(string? reason) => reason switch
    {
        null or "" => null,
        "end_turn" or "stop_sequence" => ChatFinishReason.Stop,
        "max_tokens" or "model_context_window_exceeded" => ChatFinishReason.Length,
        "tool_use" => ChatFinishReason.ToolCalls,
        "refusal" => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason(reason),
    };

    /// <summary>The model refused before producing anything (stop reason <c>refusal</c>).</summary>
    public static LlmProviderException Refused(string provider) => new(
        LlmErrorKind.ContentFiltered,
        $"The LLM provider '{provider}' refused the request by policy (stop_reason refusal).",
        provider: provider,
        providerErrorCode: "refusal");
}

/// <summary>The state of one Messages stream: tool-use blocks being assembled, the usage of <c>message_start</c>, whether <c>message_stop</c> arrived.</summary>
internal sealed class AnthropicStreamState
{
    private readonly string _provider;
    private readonly string? _apiKey;
    private readonly List<ToolUseBuilder> _toolUses = [];
    private AnthropicUsage? _startUsage;
    private string? _id;
    private string? _model;

    public AnthropicStreamState(string provider, string? apiKey)
    {
        _provider = provider;
        _apiKey = apiKey;
    }

    /// <summary>Whether <c>message_stop</c> arrived.</summary>
    public bool Done { get; private set; }

    /// <summary>Whether an update with text or a tool call was produced.</summary>
    public bool ProducedContent { get; private set; }

    /// <summary>Processes one event's data; returns the update to yield, or null.</summary>
    public ChatResponseUpdate? Process(ReadOnlySpan<byte> data)
    {
        AnthropicStreamEvent? streamEvent;
        try
        {
            streamEvent = JsonSerializer.Deserialize(data, ProviderJsonContext.Default.AnthropicStreamEvent);
        }
        catch (JsonException ex)
        {
            throw ProviderErrors.Malformed(_provider, $"a stream event is not JSON ({ex.Message})", ex);
        }

        switch (streamEvent?.Type)
        {
            case "message_start":
                _id = streamEvent.Message?.Id;
                _model = streamEvent.Message?.Model;
                _startUsage = streamEvent.Message?.Usage;
                return null;

            case "content_block_start" when streamEvent.ContentBlock is { } block:
                if (string.Equals(block.Type, "tool_use", StringComparison.Ordinal))
                {
                    _toolUses.Add(new ToolUseBuilder(streamEvent.Index ?? -1, block.Id ?? string.Empty, block.Name ?? string.Empty));
                    return null;
                }

                return block is { Type: "text", Text.Length: > 0 } ? NewUpdate(new TextContent(block.Text)) : null;

            case "content_block_delta" when streamEvent.Delta is { } delta:
                return delta.Type switch
                {
                    "text_delta" when delta.Text is { Length: > 0 } => NewUpdate(new TextContent(delta.Text)),
                    "thinking_delta" when delta.Thinking is { Length: > 0 } => NewUpdate(new TextReasoningContent(delta.Thinking)),
                    "signature_delta" => NewUpdate(new TextReasoningContent(string.Empty) { ProtectedData = delta.Signature }),
                    "input_json_delta" => AppendToolInput(streamEvent.Index ?? -1, delta.PartialJson),
                    _ => null,
                };

            case "content_block_stop":
                return CompleteToolUse(streamEvent.Index ?? -1);

            case "message_delta":
            {
                var finishReason = AnthropicResponseReader.MapStopReason(streamEvent.Delta?.StopReason);
                if (finishReason == ChatFinishReason.ContentFilter && !ProducedContent)
                {
                    throw AnthropicResponseReader.Refused(_provider);
                }

                var contents = new List<AIContent>(1);
                if (streamEvent.Usage is { } usage)
                {
                    contents.Add(new UsageContent(AnthropicResponseReader.MapUsage(usage, _startUsage)));
                }
                else if (_startUsage is not null)
                {
                    contents.Add(new UsageContent(AnthropicResponseReader.MapUsage(_startUsage, null)));
                }

                var update = NewUpdate(contents);
                update.FinishReason = finishReason;
                return update;
            }

            case "message_stop":
                Done = true;
                return null;

            case "error":
            {
                var info = new ProviderErrorInfo(streamEvent.Error?.Message, streamEvent.Error?.Type, null);
                throw ProviderErrors.FromStream(ProviderErrors.ClassifyAnthropic(null, info), info, _provider, _apiKey);
            }

            default:
                // ping and event types added later are ignored, as the API documentation asks.
                return null;
        }
    }

    private ChatResponseUpdate? AppendToolInput(int index, string? fragment)
    {
        if (!string.IsNullOrEmpty(fragment))
        {
            Find(index)?.Input.Append(fragment);
        }

        return null;
    }

    private ChatResponseUpdate? CompleteToolUse(int index)
    {
        var builder = Find(index);
        if (builder is null)
        {
            return null;
        }

        _toolUses.Remove(builder);
        return NewUpdate(ProviderJson.FunctionCall(builder.Id, builder.Name, builder.Input.ToString()));
    }

    private ToolUseBuilder? Find(int index)
    {
        foreach (var builder in _toolUses)
        {
            if (builder.Index == index)
            {
                return builder;
            }
        }

        return null;
    }

    private ChatResponseUpdate NewUpdate(AIContent content)
    {
        ProducedContent |= content is TextContent or FunctionCallContent;
        return NewUpdate(new List<AIContent>(1) { content });
    }

    private ChatResponseUpdate NewUpdate(List<AIContent> contents) => new(ChatRole.Assistant, contents)
    {
        ResponseId = _id,
        MessageId = _id,
        ModelId = _model,
    };

    private sealed class ToolUseBuilder(int index, string id, string name)
    {
        public int Index { get; } = index;

        public string Id { get; } = id;

        public string Name { get; } = name;

        public StringBuilder Input { get; } = new();
    }
}
