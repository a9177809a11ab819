using System.Text;
using System.Text.Json;
using Foundation.Llm.Routing.Providers.Internal;
using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Providers.Anthropic;

/// <summary>
/// Writes a Messages API request body (https://docs.anthropic.com/en/api/messages): system and developer messages plus
/// <see cref="ChatOptions.Instructions"/> become the top-level <c>system</c>; tool results go back as <c>tool_result</c> blocks of a
/// user turn; consecutive turns of one role are merged (the API wants them alternating).
/// </summary>
internal static class AnthropicRequestWriter
{
    /// <summary>The key of <see cref="AIContent.AdditionalProperties"/>, <see cref="ChatMessage.AdditionalProperties"/> (its last block) or
    /// <see cref="AITool.AdditionalProperties"/> whose value becomes the block's <c>cache_control</c>: a JSON object, or <c>"ephemeral"</c>,
    /// <c>"5m"</c> or <c>"1h"</c>.</summary>
    public const string CacheControlKey = "cache_control";

    /// <summary>The request's inputs.</summary>
    internal readonly record struct Request(IEnumerable<ChatMessage> Messages, ChatOptions? Options, string Model, int MaxTokens, bool Stream);

    /// <summary>Writes the whole body.</summary>
    public static void Write(Utf8JsonWriter writer, Request request)
    {
        var options = request.Options;
        writer.WriteStartObject();
        writer.WriteString("model"u8, request.Model);
        writer.WriteNumber("max_tokens"u8, request.MaxTokens);
        WriteSystem(writer, request.Messages, options);
        WriteMessages(writer, request.Messages);

        if (options is not null)
        {
            WriteTools(writer, options);
            if (options.StopSequences is { Count: > 0 } stops)
            {
                writer.WriteStartArray("stop_sequences"u8);
                foreach (var stop in stops)
                {
                    writer.WriteStringValue(stop);
                }

                writer.WriteEndArray();
            }

            if (options.Temperature is { } temperature)
            {
                writer.WriteNumber("temperature"u8, (decimal)temperature);
            }

            if (options.TopP is { } topP)
            {
                writer.WriteNumber("top_p"u8, (decimal)topP);
            }

            if (options.TopK is { } topK)
            {
                writer.WriteNumber("top_k"u8, topK);
            }
        }

        if (request.Stream)
        {
            writer.WriteBoolean("stream"u8, true);
        }

        writer.WriteEndObject();
    }

    private static bool IsSystem(ChatRole role) => role == ChatRole.System || string.Equals(role.Value, "developer", StringComparison.OrdinalIgnoreCase);

    private static void WriteSystem(Utf8JsonWriter writer, IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var parts = new List<(string Text, object? CacheControl)>();
        if (!string.IsNullOrEmpty(options?.Instructions))
        {
            parts.Add((options.Instructions, null));
        }

        foreach (var message in messages)
        {
            if (!IsSystem(message.Role))
            {
                continue;
            }

            foreach (var content in message.Contents)
            {
                if (content is TextContent { Text.Length: > 0 } text)
                {
                    parts.Add((text.Text, CacheControlOf(content.AdditionalProperties)));
                }
            }
        }

        if (options?.ResponseFormat is ChatResponseFormatJson json)
        {
            // The Messages API has no JSON mode: ask for it in the system prompt.
            var instruction = new StringBuilder("Respond only with one JSON object, with no text before or after it.");
            if (json.Schema is { } schema)
            {
                instruction.Append(" The object must conform to this JSON schema: ").Append(schema.GetRawText());
            }

            parts.Add((instruction.ToString(), null));
        }

        if (parts.Count == 0)
        {
            return;
        }

        var anyCacheControl = parts.Exists(static p => p.CacheControl is not null);
        if (!anyCacheControl)
        {
            writer.WriteString("system"u8, parts.Count == 1 ? parts[0].Text : string.Join("\n\n", parts.ConvertAll(static p => p.Text)));
            return;
        }

        writer.WriteStartArray("system"u8);
        foreach (var (text, cacheControl) in parts)
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "text"u8);
            writer.WriteString("text"u8, text);
            WriteCacheControl(writer, cacheControl);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteMessages(Utf8JsonWriter writer, IEnumerable<ChatMessage> messages)
    {
        writer.WriteStartArray("messages"u8);
        string? openRole = null;
        foreach (var message in messages)
        {
            if (IsSystem(message.Role))
            {
                continue;
            }

            var role = message.Role == ChatRole.Assistant ? "assistant" : "user";
            var lastBlock = LastBlockIndex(message);
            if (lastBlock < 0)
            {
                continue;
            }

            if (!string.Equals(openRole, role, StringComparison.Ordinal))
            {
                if (openRole is not null)
                {
                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }

                writer.WriteStartObject();
                writer.WriteString("role"u8, role);
                writer.WriteStartArray("content"u8);
                openRole = role;
            }

            var messageCacheControl = CacheControlOf(message.AdditionalProperties);
            var contents = message.Contents;
            for (var i = 0; i < contents.Count; i++)
            {
                WriteBlock(writer, contents[i], i == lastBlock ? messageCacheControl : null);
            }
        }

        if (openRole is not null)
        {
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static int LastBlockIndex(ChatMessage message)
    {
        for (var i = message.Contents.Count - 1; i >= 0; i--)
        {
            if (WritesBlock(message.Contents[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool WritesBlock(AIContent content) => content switch
    {
        TextContent text => !string.IsNullOrEmpty(text.Text),
        TextReasoningContent reasoning => reasoning.ProtectedData is not null,
        UsageContent => false,
        _ => true,
    };

    private static void WriteBlock(Utf8JsonWriter writer, AIContent content, object? messageCacheControl)
    {
        if (!WritesBlock(content))
        {
            return;
        }

        writer.WriteStartObject();
        switch (content)
        {
            case TextContent text:
                writer.WriteString("type"u8, "text"u8);
                writer.WriteString("text"u8, text.Text);
                break;
            case TextReasoningContent reasoning when string.IsNullOrEmpty(reasoning.Text):
                writer.WriteString("type"u8, "redacted_thinking"u8);
                writer.WriteString("data"u8, reasoning.ProtectedData);
                break;
            case TextReasoningContent reasoning:
                writer.WriteString("type"u8, "thinking"u8);
                writer.WriteString("thinking"u8, reasoning.Text);
                writer.WriteString("signature"u8, reasoning.ProtectedData);
                break;
            case FunctionCallContent call:
                writer.WriteString("type"u8, "tool_use"u8);
                writer.WriteString("id"u8, call.CallId);
                writer.WriteString("name"u8, call.Name);
                writer.WritePropertyName("input"u8);
                ProviderJson.WriteArguments(writer, call.Arguments);
                break;
            case FunctionResultContent result:
                writer.WriteString("type"u8, "tool_result"u8);
                writer.WriteString("tool_use_id"u8, result.CallId);
                writer.WriteString("content"u8, ProviderJson.ResultToText(result));
                if (result.Exception is not null)
                {
                    writer.WriteBoolean("is_error"u8, true);
                }

                break;
            case DataContent data when data.HasTopLevelMediaType("image") || IsPdf(data.MediaType):
                writer.WriteString("type"u8, IsPdf(data.MediaType) ? "document"u8 : "image"u8);
                writer.WriteStartObject("source"u8);
                writer.WriteString("type"u8, "base64"u8);
                writer.WriteString("media_type"u8, data.MediaType);
                writer.WriteString("data"u8, data.Base64Data.Span);
                writer.WriteEndObject();
                break;
            case UriContent uri when uri.HasTopLevelMediaType("image") || IsPdf(uri.MediaType):
                writer.WriteString("type"u8, IsPdf(uri.MediaType) ? "document"u8 : "image"u8);
                writer.WriteStartObject("source"u8);
                writer.WriteString("type"u8, "url"u8);
                writer.WriteString("url"u8, uri.Uri.AbsoluteUri);
                writer.WriteEndObject();
                break;
            default:
                throw new NotSupportedException(
                    $"The Anthropic Messages API cannot take a {content.GetType().Name}{MediaTypeOf(content)}; send text, images, PDF documents, tool calls and tool results.");
        }

        WriteCacheControl(writer, CacheControlOf(content.AdditionalProperties) ?? messageCacheControl);
        writer.WriteEndObject();
    }

    private static bool IsPdf(string? mediaType) => string.Equals(mediaType, "application/pdf", StringComparison.OrdinalIgnoreCase);

    private static string MediaTypeOf(AIContent content) => content switch
    {
        DataContent data => $" ({data.MediaType})",
        UriContent uri => $" ({uri.MediaType})",
        _ => string.Empty,
    };

    private static object? CacheControlOf(IReadOnlyDictionary<string, object?>? properties) =>
        properties is not null && properties.TryGetValue(CacheControlKey, out var value) ? value : null;

    private static void WriteCacheControl(Utf8JsonWriter writer, object? cacheControl)
    {
        switch (cacheControl)
        {
            case null:
                return;
            case string text:
                writer.WriteStartObject("cache_control"u8);
                writer.WriteString("type"u8, "ephemeral"u8);
                if (!string.Equals(text, "ephemeral", StringComparison.OrdinalIgnoreCase))
                {
                    writer.WriteString("ttl"u8, text);
                }

                writer.WriteEndObject();
                return;
            default:
                writer.WritePropertyName("cache_control"u8);
                ProviderJson.WriteValue(writer, cacheControl);
                return;
        }
    }

    private static void WriteTools(Utf8JsonWriter writer, ChatOptions options)
    {
        var wroteTools = false;
        if (options.Tools is { Count: > 0 } tools)
        {
            foreach (var tool in tools)
            {
                if (tool is not AIFunctionDeclaration function)
                {
                    continue;
                }

                if (!wroteTools)
                {
                    writer.WriteStartArray("tools"u8);
                    wroteTools = true;
                }

                writer.WriteStartObject();
                writer.WriteString("name"u8, function.Name);
                if (!string.IsNullOrEmpty(function.Description))
                {
                    writer.WriteString("description"u8, function.Description);
                }

                writer.WritePropertyName("input_schema"u8);
                function.JsonSchema.WriteTo(writer);
                WriteCacheControl(writer, CacheControlOf(function.AdditionalProperties));
                writer.WriteEndObject();
            }

            if (wroteTools)
            {
                writer.WriteEndArray();
            }
        }

        if (!wroteTools)
        {
            return;
        }

        var disableParallel = options.AllowMultipleToolCalls == false;
        switch (options.ToolMode)
        {
            case NoneChatToolMode:
                writer.WriteStartObject("tool_choice"u8);
                writer.WriteString("type"u8, "none"u8);
                writer.WriteEndObject();
                return;
            case RequiredChatToolMode { RequiredFunctionName: { } name }:
                writer.WriteStartObject("tool_choice"u8);
                writer.WriteString("type"u8, "tool"u8);
                writer.WriteString("name"u8, name);
                break;
            case RequiredChatToolMode:
                writer.WriteStartObject("tool_choice"u8);
                writer.WriteString("type"u8, "any"u8);
                break;
            case AutoChatToolMode:
                writer.WriteStartObject("tool_choice"u8);
                writer.WriteString("type"u8, "auto"u8);
                break;
            default:
                if (!disableParallel)
                {
                    return;
                }

                writer.WriteStartObject("tool_choice"u8);
                writer.WriteString("type"u8, "auto"u8);
                break;
        }

        if (disableParallel)
        {
            writer.WriteBoolean("disable_parallel_tool_use"u8, true);
        }

        writer.WriteEndObject();
    }
}
