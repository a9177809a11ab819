using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Providers.Internal;

/// <summary>JSON helpers shared by the request writers and response readers.</summary>
internal static class ProviderJson
{
    /// <summary>Writes any value: JSON elements and nodes as they are, strings as strings, anything else with the M.E.AI serializer options.</summary>
    public static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            case JsonNode node:
                node.WriteTo(writer);
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            default:
                JsonSerializer.Serialize(writer, value, AIJsonUtilities.DefaultOptions.GetTypeInfo(value.GetType()));
                break;
        }
    }

    /// <summary>Writes function-call arguments as a JSON object (<c>{}</c> when there are none).</summary>
    public static void WriteArguments(Utf8JsonWriter writer, IDictionary<string, object?>? arguments)
    {
        writer.WriteStartObject();
        if (arguments is not null)
        {
            foreach (var (name, value) in arguments)
            {
                writer.WritePropertyName(name);
                WriteValue(writer, value);
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>Function-call arguments as JSON text (OpenAI sends them as a string).</summary>
    public static string ArgumentsToJson(IDictionary<string, object?>? arguments)
    {
        if (arguments is null || arguments.Count == 0)
        {
            return "{}";
        }

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            WriteArguments(writer, arguments);
        }

        return System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>A function result as the text the providers expect: strings as they are, anything else as JSON.</summary>
    public static string ResultToText(FunctionResultContent result)
    {
        switch (result.Result)
        {
            case null:
                return result.Exception is { } ex ? $"Error: {ex.Message}" : string.Empty;
            case string text:
                return text;
            case JsonElement { ValueKind: JsonValueKind.String } element:
                return element.GetString() ?? string.Empty;
            default:
                using (var stream = new MemoryStream())
                {
                    using (var writer = new Utf8JsonWriter(stream))
                    {
                        WriteValue(writer, result.Result);
                    }

                    return System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
                }
        }
    }

    /// <summary>A function call from the provider's JSON arguments; unparsable arguments are reported on <see cref="FunctionCallContent.Exception"/>.</summary>
    public static FunctionCallContent FunctionCall(string callId, string name, string? argumentsJson)
    {
        if (string.IsNullOrWhiteSpace(argumentsJson))
        {
            return new FunctionCallContent(callId, name, new Dictionary<string, object?>(StringComparer.Ordinal));
        }

        return FunctionCallContent.CreateFromParsedArguments(
            argumentsJson, callId, name, static json => JsonSerializer.Deserialize(json, ProviderJsonContext.Default.DictionaryStringObject));
    }

    /// <summary>A function call from an already parsed JSON object (Anthropic's <c>input</c>).</summary>
    public static FunctionCallContent FunctionCall(string callId, string name, JsonElement? input)
    {
        if (input is not { ValueKind: JsonValueKind.Object } element)
        {
            return new FunctionCallContent(callId, name, new Dictionary<string, object?>(StringComparer.Ordinal));
        }

        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            arguments[property.Name] = property.Value;
        }

        return new FunctionCallContent(callId, name, arguments);
    }

    /// <summary>A Unix time in seconds as a <see cref="DateTimeOffset"/>, or null.</summary>
    public static DateTimeOffset? FromUnixSeconds(long? seconds) =>
        seconds is > 0 and < 253_402_300_799 ? DateTimeOffset.FromUnixTimeSeconds(seconds.Value) : null;

    /// <summary>The text contents of a message joined (system prompts, plain user text).</summary>
    public static string JoinText(ChatMessage message)
    {
        string? single = null;
        System.Text.StringBuilder? builder = null;
        foreach (var content in message.Contents)
        {
            if (content is TextContent { Text: { } text })
            {
                if (single is null)
                {
                    single = text;
                }
                else
                {
                    builder ??= new System.Text.StringBuilder(single);
                    builder.Append('\n').Append(text);
                }
            }
        }

        return builder?.ToString() ?? single ?? string.Empty;
    }
}
