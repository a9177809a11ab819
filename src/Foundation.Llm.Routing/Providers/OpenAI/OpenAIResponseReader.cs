using System.Text.Json;
using Foundation.Llm.Routing.Errors;
using Foundation.Llm.Routing.Providers.Internal;
using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Providers.OpenAI;

/// <summary>Turns Chat Completions responses and stream chunks into M.E.AI types.</summary>
internal static class OpenAIResponseReader
{
    /// <summary>Maps a <c>chat.completion</c> body; throws <see cref="LlmProviderException"/> for malformed or filtered answers.</summary>
    public static ChatResponse ReadResponse(ReadOnlySpan<byte> body, string provider, string? apiKey)
    {
        OpenAIChatCompletion? completion;
        try
        {
            completion = JsonSerializer.Deserialize(body, ProviderJsonContext.Default.OpenAIChatCompletion);
        }
        catch (JsonException ex)
        {
            throw ProviderErrors.Malformed(provider, $"the body is not a chat completion ({ex.Message})", ex);
        }

        if (completion?.Error is { } error)
        {
            var info = ProviderErrorInfo.FromElement(error);
            throw ProviderErrors.FromStream(ProviderErrors.ClassifyOpenAI(null, info), info, provider, apiKey);
        }

        if (completion?.Choices is not { Count: > 0 } choices || choices[0].Message is not { } message)
        {
            throw ProviderErrors.Malformed(provider, "the chat completion has no choices[0].message.");
        }

        var finishReason = MapFinishReason(choices[0].FinishReason);
        if (finishReason == ChatFinishReason.ContentFilter)
        {
            throw new LlmProviderException(
                LlmErrorKind.ContentFiltered,
                $"The LLM provider '{provider}' stopped the completion by its content filter (finish_reason content_filter).",
                provider: provider,
                providerErrorCode: "content_filter");
        }

        var contents = new List<AIContent>(2);
        if ((message.ReasoningContent ?? message.Reasoning) is { Length: > 0 } reasoning)
        {
            contents.Add(new TextReasoningContent(reasoning));
        }

        if (message.Content is { Length: > 0 } text)
        {
            contents.Add(new TextContent(text));
        }
        else if (message.Refusal is { Length: > 0 } refusal)
        {
            contents.Add(new TextContent(refusal));
        }

        if (message.ToolCalls is { } toolCalls)
        {
            foreach (var call in toolCalls)
            {
                contents.Add(ProviderJson.FunctionCall(call.Id ?? string.Empty, call.Function?.Name ?? string.Empty, call.Function?.Arguments));
            }
        }

        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, contents) { MessageId = completion.Id, CreatedAt = ProviderJson.FromUnixSeconds(completion.Created) })
        {
            ResponseId = completion.Id,
            ModelId = completion.Model,
            CreatedAt = ProviderJson.FromUnixSeconds(completion.Created),
            FinishReason = finishReason,
        };
        if (completion.Usage is { } usage)
        {
            response.Usage = MapUsage(usage);
        }

        return response;
    }

    /// <summary>OpenAI usage per <see cref="LlmUsageKeys"/>: prompt tokens already include the cached ones.</summary>
    public static UsageDetails MapUsage(OpenAIUsage usage)
    {
        return new UsageDetails
        {
            InputTokenCount = usage.PromptTokens,
            OutputTokenCount = usage.CompletionTokens,
            TotalTokenCount = usage.TotalTokens ?? (usage.PromptTokens + usage.CompletionTokens),
            CachedInputTokenCount = usage.PromptTokensDetails?.CachedTokens,
            ReasoningTokenCount = usage.CompletionTokensDetails?.ReasoningTokens,
        };
    }

    /// <summary>OpenAI's finish reasons on M.E.AI's (unknown ones are kept as they are).</summary>
    public static ChatFinishReason? MapFinishReason(string? reason) => reason switch
    {
        null or "" => null,
        "stop" => ChatFinishReason.Stop,
        "length" => ChatFinishReason.Length,
        "tool_calls" or "function_call" => ChatFinishReason.ToolCalls,
        "content_filter" => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason(reason),
    };
}

/// <summary>
/// The state of one Chat Completions stream: stitches tool-call argument fragments by index, keeps the last usage chunk and
/// reports it with the final update, and knows whether the stream reached <c>data: [DONE]</c>.
/// </summary>
internal sealed class OpenAIStreamState
{
    private readonly string _provider;
    private readonly string? _apiKey;
    private List<ToolCallBuilder>? _toolCalls;
    private UsageDetails? _usage;
    private string? _id;
    private string? _model;
    private DateTimeOffset? _created;

    public OpenAIStreamState(string provider, string? apiKey)
    {
        _provider = provider;
        _apiKey = apiKey;
    }

    /// <summary>Whether <c>data: [DONE]</c> arrived.</summary>
    public bool Done { get; private set; }

    /// <summary>Whether an update with content was produced (after which a content filter cannot be turned into an error).</summary>
    public bool ProducedContent { get; private set; }

    /// <summary>Processes one event's data; returns the update to yield, or null when the event carries nothing for the caller.</summary>
    public ChatResponseUpdate? Process(ReadOnlySpan<byte> data)
    {
        if (data.SequenceEqual("[DONE]"u8))
        {
            Done = true;
            var final = FlushToolCalls(null);
            if (_usage is not null)
            {
                final ??= [];
                final.Add(new UsageContent(_usage));
                _usage = null;
            }

            return final is null ? null : NewUpdate(final, null);
        }

        OpenAIChatChunk? chunk;
        try
        {
            chunk = _id is null || _model is null
                ? JsonSerializer.Deserialize(data, ProviderJsonContext.Default.OpenAIChatCompletion)
                : JsonSerializer.Deserialize(data, ProviderJsonContext.Default.OpenAIChatChunk);
        }
        catch (JsonException ex)
        {
            throw ProviderErrors.Malformed(_provider, $"a stream chunk is not JSON ({ex.Message})", ex);
        }

        if (chunk is null)
        {
            return null;
        }

        if (chunk.Error is { } error)
        {
            var info = ProviderErrorInfo.FromElement(error);
            throw ProviderErrors.FromStream(ProviderErrors.ClassifyOpenAI(null, info), info, _provider, _apiKey);
        }

        if (chunk is OpenAIChatCompletion first)
        {
            _id ??= first.Id;
            _model ??= first.Model;
            _created ??= ProviderJson.FromUnixSeconds(first.Created);
        }

        if (chunk.Usage is { } usage)
        {
            _usage = OpenAIResponseReader.MapUsage(usage);
        }

        List<AIContent>? contents = null;
        ChatFinishReason? finishReason = null;
        if (chunk.Choices is { Count: > 0 } choices)
        {
            foreach (var choice in choices)
            {
                if (choice.Index != 0)
                {
                    continue;
                }

                if (choice.Delta is { } delta)
                {
                    if ((delta.ReasoningContent ?? delta.Reasoning) is { Length: > 0 } reasoning)
                    {
                        (contents ??= []).Add(new TextReasoningContent(reasoning));
                    }

                    if (delta.Content is { Length: > 0 } text)
                    {
                        (contents ??= []).Add(new TextContent(text));
                    }
                    else if (delta.Refusal is { Length: > 0 } refusal)
                    {
                        (contents ??= []).Add(new TextContent(refusal));
                    }

                    if (delta.ToolCalls is { } toolCalls)
                    {
                        AccumulateToolCalls(toolCalls);
                    }
                }

                if (OpenAIResponseReader.MapFinishReason(choice.FinishReason) is { } reason)
                {
                    finishReason = reason;
                    contents = FlushToolCalls(contents);
                }
            }
        }

        if (finishReason == ChatFinishReason.ContentFilter && !ProducedContent)
        {
            throw new LlmProviderException(
                LlmErrorKind.ContentFiltered,
                $"The LLM provider '{_provider}' stopped the stream by its content filter (finish_reason content_filter) before any content.",
                provider: _provider,
                providerErrorCode: "content_filter");
        }

        if (contents is null && finishReason is null)
        {
            return null;
        }

        return NewUpdate(contents ?? [], finishReason);
    }

    private ChatResponseUpdate NewUpdate(List<AIContent> contents, ChatFinishReason? finishReason)
    {
        ProducedContent |= contents.Count > 0;
        return new ChatResponseUpdate(ChatRole.Assistant, contents)
        {
            ResponseId = _id,
            MessageId = _id,
            ModelId = _model,
            CreatedAt = _created,
            FinishReason = finishReason,
        };
    }

    private void AccumulateToolCalls(List<OpenAIToolCall> deltas)
    {
        _toolCalls ??= [];
        foreach (var delta in deltas)
        {
            var index = delta.Index ?? _toolCalls.Count;
            ToolCallBuilder? builder = null;
            foreach (var existing in _toolCalls)
            {
                if (existing.Index == index)
                {
                    builder = existing;
                    break;
                }
            }

            if (builder is null)
            {
                builder = new ToolCallBuilder(index);
                _toolCalls.Add(builder);
            }

            builder.Id ??= delta.Id;
            builder.Name ??= delta.Function?.Name;
            if (delta.Function?.Arguments is { Length: > 0 } fragment)
            {
                builder.Arguments.Append(fragment);
            }
        }
    }

    private List<AIContent>? FlushToolCalls(List<AIContent>? contents)
    {
        if (_toolCalls is not { Count: > 0 } calls)
        {
            return contents;
        }

        contents ??= [];
        calls.Sort(static (a, b) => a.Index.CompareTo(b.Index));
        foreach (var call in calls)
        {
            contents.Add(ProviderJson.FunctionCall(call.Id ?? string.Empty, call.Name ?? string.Empty, call.Arguments.ToString()));
        }

        calls.Clear();
        return contents;
    }

    private sealed class ToolCallBuilder(int index)
    {
        public int Index { get; } = index;

        public string? Id { get; set; }

        public string? Name { get; set; }

        public System.Text.StringBuilder Arguments { get; } = new();
    }
}
