using System.Text.Json;
using Foundation.Llm.Routing.Providers.Internal;
using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Providers.OpenAI;

/// <summary>Writes a Chat Completions request body (https://platform.openai.com/docs/api-reference/chat/create).</summary>
internal static class OpenAIRequestWriter
{
    /// <summary>The request's inputs.</summary>
    internal readonly record struct Request(
        IEnumerable<ChatMessage> Messages, ChatOptions? Options, string Model, bool Stream, bool UseMaxCompletionTokens, bool IncludeStreamUsage = true);

    /// <summary>Writes the whole body.</summary>
    public static void Write(Utf8JsonWriter writer, Request request)
    {
        var options = request.Options;
        writer.WriteStartObject();
        writer.WriteString("model"u8, request.Model);
        writer.WritePropertyName("messages"u8);
        WriteMessages(writer, request.Messages, options?.Instructions);

        if (options is not null)
        {
            WriteTools(writer, options);
            WriteResponseFormat(writer, options.ResponseFormat);
            WriteNumber(writer, "temperature"u8, options.Temperature);
            WriteNumber(writer, "top_p"u8, options.TopP);
            if (options.MaxOutputTokens is { } maxTokens)
            {
                writer.WriteNumber(request.UseMaxCompletionTokens ? "max_completion_tokens"u8 : "max_tokens"u8, maxTokens);
            }

            if (options.StopSequences is { Count: > 0 } stops)
            {
                writer.WriteStartArray("stop"u8);
                foreach (var stop in stops)
                {
                    writer.WriteStringValue(stop);
                }

                writer.WriteEndArray();
            }

            if (options.Seed is { } seed)
            {
                writer.WriteNumber("seed"u8, seed);
            }

            WriteNumber(writer, "frequency_penalty"u8, options.FrequencyPenalty);
            WriteNumber(writer, "presence_penalty"u8, options.PresencePenalty);
            var effort = options.Reasoning?.Effort switch
            {
                ReasoningEffort.Low => "low",
                ReasoningEffort.Medium => "medium",
                ReasoningEffort.High => "high",
                _ => null,
            };
            if (effort is not null)
            {
                writer.WriteString("reasoning_effort"u8, effort);
            }
        }

        if (request.Stream)
        {
            writer.WriteBoolean("stream"u8, true);
            if (request.IncludeStreamUsage)
            {
                writer.WriteStartObject("stream_options"u8);
                writer.WriteBoolean("include_usage"u8, true);
                writer.WriteEndObject();
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter writer, ReadOnlySpan<byte> name, float? value)
    {
        if (value is { } number)
        {
            // Through decimal so 0.7f is sent as 0.7, not 0.699999988079071.
            writer.WriteNumber(name, (decimal)number);
        }
    }

    private static void WriteMessages(Utf8JsonWriter writer, IEnumerable<ChatMessage> messages, string? instructions)
    {
        writer.WriteStartArray();
        if (!string.IsNullOrEmpty(instructions))
        {
            writer.WriteStartObject();
            writer.WriteString("role"u8, "system"u8);
            writer.WriteString("content"u8, instructions);
            writer.WriteEndObject();
        }

        foreach (var message in messages)
        {
            WriteMessage(writer, message);
        }

        writer.WriteEndArray();
    }

    private static void WriteMessage(Utf8JsonWriter writer, ChatMessage message)
    {
        var hasResults = false;
        var hasCalls = false;
        var hasOther = false;
        var onlyText = true;
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case FunctionResultContent:
                    hasResults = true;
                    break;
                case FunctionCallContent:
                    hasCalls = true;
                    break;
                case TextReasoningContent or UsageContent:
                    // Not part of a Chat Completions request.
                    break;
                case TextContent:
                    hasOther = true;
                    break;
                default:
                    hasOther = true;
                    onlyText = false;
                    break;
            }
        }

        var role = message.Role;
        if (role != ChatRole.Tool && (hasOther || hasCalls || !hasResults))
        {
            writer.WriteStartObject();
            writer.WriteString("role"u8, role.Value);
            if (!string.IsNullOrEmpty(message.AuthorName))
            {
                writer.WriteString("name"u8, message.AuthorName);
            }

            if (role == ChatRole.User && !onlyText)
            {
                writer.WritePropertyName("content"u8);
                WriteParts(writer, message.Contents);
            }
            else if (role == ChatRole.Assistant && hasCalls)
            {
                if (hasOther)
                {
                    writer.WriteString("content"u8, ProviderJson.JoinText(message));
                }
                else
                {
                    writer.WriteNull("content"u8);
                }

                WriteToolCalls(writer, message.Contents);
            }
            else
            {
                if (!onlyText)
                {
                    throw new NotSupportedException(
                        $"A {role.Value} message may only hold text for OpenAI Chat Completions; images and files go in user messages.");
                }

                writer.WriteString("content"u8, ProviderJson.JoinText(message));
            }

            writer.WriteEndObject();
        }

        if (hasResults || role == ChatRole.Tool)
        {
            foreach (var content in message.Contents)
            {
                if (content is FunctionResultContent result)
                {
                    writer.WriteStartObject();
                    writer.WriteString("role"u8, "tool"u8);
                    writer.WriteString("tool_call_id"u8, result.CallId);
                    writer.WriteString("content"u8, ProviderJson.ResultToText(result));
                    writer.WriteEndObject();
                }
            }
        }
    }

    private static void WriteToolCalls(Utf8JsonWriter writer, IList<AIContent> contents)
    {
        writer.WriteStartArray("tool_calls"u8);
        foreach (var content in contents)
        {
            if (content is FunctionCallContent call)
            {
                writer.WriteStartObject();
                writer.WriteString("id"u8, call.CallId);
                writer.WriteString("type"u8, "function"u8);
                writer.WriteStartObject("function"u8);
                writer.WriteString("name"u8, call.Name);
                writer.WriteString("arguments"u8, ProviderJson.ArgumentsToJson(call.Arguments));
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteParts(Utf8JsonWriter writer, IList<AIContent> contents)
    {
        writer.WriteStartArray();
        foreach (var content in contents)
        {
            switch (content)
            {
                case TextReasoningContent or UsageContent or FunctionResultContent or FunctionCallContent:
                    break;
                case TextContent text:
                    writer.WriteStartObject();
                    writer.WriteString("type"u8, "text"u8);
                    writer.WriteString("text"u8, text.Text);
                    writer.WriteEndObject();
                    break;
                case DataContent data when data.HasTopLevelMediaType("image"):
                    WriteImage(writer, data.Uri, data);
                    break;
                case UriContent uri when uri.HasTopLevelMediaType("image"):
                    WriteImage(writer, uri.Uri.AbsoluteUri, uri);
                    break;
                case DataContent data when data.HasTopLevelMediaType("audio") && AudioFormat(data.MediaType) is { } format:
                    writer.WriteStartObject();
                    writer.WriteString("type"u8, "input_audio"u8);
                    writer.WriteStartObject("input_audio"u8);
                    writer.WriteString("data"u8, data.Base64Data.Span);
                    writer.WriteString("format"u8, format);
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                    break;
                case DataContent data when string.Equals(data.MediaType, "application/pdf", StringComparison.OrdinalIgnoreCase):
                    writer.WriteStartObject();
                    writer.WriteString("type"u8, "file"u8);
                    writer.WriteStartObject("file"u8);
                    writer.WriteString("filename"u8, data.Name ?? "document.pdf");
                    writer.WriteString("file_data"u8, data.Uri);
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                    break;
                default:
                    throw new NotSupportedException(
                        $"OpenAI Chat Completions cannot take a {content.GetType().Name}{MediaTypeOf(content)} in a user message; send text, images (DataContent or UriContent), wav/mp3 audio or PDF data.");
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteImage(Utf8JsonWriter writer, string url, AIContent content)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "image_url"u8);
        writer.WriteStartObject("image_url"u8);
        writer.WriteString("url"u8, url);
        if (content.AdditionalProperties?.TryGetValue("detail", out var detail) == true && detail is string detailText)
        {
            writer.WriteString("detail"u8, detailText);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static string? AudioFormat(string mediaType) => mediaType.ToUpperInvariant() switch
    {
        "AUDIO/WAV" or "AUDIO/X-WAV" or "AUDIO/WAVE" => "wav",
        "AUDIO/MPEG" or "AUDIO/MP3" => "mp3",
        _ => null,
    };

    private static string MediaTypeOf(AIContent content) => content switch
    {
        DataContent data => $" ({data.MediaType})",
        UriContent uri => $" ({uri.MediaType})",
        _ => string.Empty,
    };

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
                writer.WriteString("type"u8, "function"u8);
                writer.WriteStartObject("function"u8);
                writer.WriteString("name"u8, function.Name);
                if (!string.IsNullOrEmpty(function.Description))
                {
                    writer.WriteString("description"u8, function.Description);
                }

                writer.WritePropertyName("parameters"u8);
                function.JsonSchema.WriteTo(writer);
                if (function.AdditionalProperties.TryGetValue("strict", out var strict) && strict is bool strictValue)
                {
                    writer.WriteBoolean("strict"u8, strictValue);
                }

                writer.WriteEndObject();
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

        switch (options.ToolMode)
        {
            case NoneChatToolMode:
                writer.WriteString("tool_choice"u8, "none"u8);
                break;
            case AutoChatToolMode:
                writer.WriteString("tool_choice"u8, "auto"u8);
                break;
            case RequiredChatToolMode { RequiredFunctionName: { } name }:
                writer.WriteStartObject("tool_choice"u8);
                writer.WriteString("type"u8, "function"u8);
                writer.WriteStartObject("function"u8);
                writer.WriteString("name"u8, name);
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
            case RequiredChatToolMode:
                writer.WriteString("tool_choice"u8, "required"u8);
                break;
        }

        if (options.AllowMultipleToolCalls is { } parallel)
        {
            writer.WriteBoolean("parallel_tool_calls"u8, parallel);
        }
    }

    private static void WriteResponseFormat(Utf8JsonWriter writer, ChatResponseFormat? format)
    {
        if (format is not ChatResponseFormatJson json)
        {
            return;
        }

        writer.WriteStartObject("response_format"u8);
        if (json.Schema is not { } schema)
        {
            writer.WriteString("type"u8, "json_object"u8);
        }
        else
        {
            writer.WriteString("type"u8, "json_schema"u8);
            writer.WriteStartObject("json_schema"u8);
            writer.WriteString("name"u8, string.IsNullOrEmpty(json.SchemaName) ? "response" : json.SchemaName);
            if (!string.IsNullOrEmpty(json.SchemaDescription))
            {
                writer.WriteString("description"u8, json.SchemaDescription);
            }

            writer.WritePropertyName("schema"u8);
            schema.WriteTo(writer);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}
