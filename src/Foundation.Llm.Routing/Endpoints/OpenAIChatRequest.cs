using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Endpoints;

/// <summary>A request of <c>POST /v1/chat/completions</c> that is not valid; <see cref="Param"/> names the parameter (OpenAI's <c>param</c>).</summary>
internal sealed class OpenAIRequestException(string? param, string message, string? code = null) : Exception(message)
{
    public string? Param { get; } = param;

    public string? Code { get; } = code;
}

/// <summary>An OpenAI Chat Completions request, translated to Microsoft.Extensions.AI.</summary>
internal sealed class OpenAIChatRequest
{
    private OpenAIChatRequest(string model, List<ChatMessage> messages, ChatOptions options, bool stream, bool includeUsage)
    {
        Model = model;
        Messages = messages;
        Options = options;
        Stream = stream;
        IncludeUsage = includeUsage;
    }

    public string Model { get; }

    public List<ChatMessage> Messages { get; }

    public ChatOptions Options { get; }

    public bool Stream { get; }

    public bool IncludeUsage { get; }

    /// <summary>
    /// Reads the request. JSON values that outlive the call (tool schemas, tool-call arguments) are cloned, so
    /// <paramref name="root"/>'s document may be disposed afterwards.
    /// </summary>
    /// <exception cref="OpenAIRequestException">A parameter is missing or invalid.</exception>
    public static OpenAIChatRequest Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new OpenAIRequestException(null, "The request body must be a JSON object.");
        }

        string? model = null;
        JsonElement? messages = null;
        var options = new ChatOptions();
        var stream = false;
        var includeUsage = false;

        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "model":
                    model = value.ValueKind == JsonValueKind.String ? value.GetString() : throw Invalid("model", "must be a string");
                    break;
                case "messages":
                    messages = value;
                    break;
                case "stream":
                    stream = value.ValueKind switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False or JsonValueKind.Null => false,
                        _ => throw Invalid("stream", "must be a boolean"),
                    };
                    break;
                case "stream_options":
                    includeUsage = ReadStreamOptions(value);
                    break;
                case "max_tokens":
                case "max_completion_tokens":
                    if (value.ValueKind != JsonValueKind.Null)
                    {
                        options.MaxOutputTokens = value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var max) && max > 0
                            ? max
                            : throw Invalid(property.Name, "must be a positive integer");
                    }

                    break;
                case "temperature":
                    options.Temperature = ReadNumber(value, property.Name, 0, 2);
                    break;
                case "top_p":
                    options.TopP = ReadNumber(value, property.Name, 0, 1);
                    break;
                case "frequency_penalty":
                    options.FrequencyPenalty = ReadNumber(value, property.Name, -2, 2);
                    break;
                case "presence_penalty":
                    options.PresencePenalty = ReadNumber(value, property.Name, -2, 2);
                    break;
                case "seed":
                    if (value.ValueKind != JsonValueKind.Null)
                    {
                        options.Seed = value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seed) ? seed : throw Invalid("seed", "must be an integer");
                    }

                    break;
                case "stop":
                    options.StopSequences = ReadStop(value);
                    break;
                case "n":
                    if (value.ValueKind != JsonValueKind.Null && !(value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n == 1))
                    {
                        throw Invalid("n", "must be 1: this gateway returns one choice");
                    }

                    break;
                case "user":
                    if (value.ValueKind == JsonValueKind.String)
                    {
                        (options.AdditionalProperties ??= [])["user"] = value.GetString();
                    }
                    else if (value.ValueKind != JsonValueKind.Null)
                    {
                        throw Invalid("user", "must be a string");
                    }

                    break;
                case "tools":
                    options.Tools = ReadTools(value);
                    break;
                case "tool_choice":
                    options.ToolMode = ReadToolChoice(value);
                    break;
                case "parallel_tool_calls":
                    if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                    {
                        options.AllowMultipleToolCalls = value.GetBoolean();
                    }

                    break;
                case "response_format":
                    options.ResponseFormat = ReadResponseFormat(value);
                    break;
                default:
                    // Other parameters (logprobs, metadata, store, ...) are accepted and not forwarded.
                    break;
            }
        }

        if (string.IsNullOrWhiteSpace(model))
        {
            throw new OpenAIRequestException("model", "you must provide a model parameter.", "missing_required_parameter");
        }

        if (messages is not { ValueKind: JsonValueKind.Array } array)
        {
            throw new OpenAIRequestException("messages", "messages is required: an array of at least one message.", "missing_required_parameter");
        }

        if (array.GetArrayLength() == 0)
        {
            throw new OpenAIRequestException("messages", "messages must hold at least one message.", "empty_array");
        }

        var list = new List<ChatMessage>(array.GetArrayLength());
        var index = 0;
        foreach (var message in array.EnumerateArray())
        {
            list.Add(ReadMessage(message, index++));
        }

        options.ModelId = model;
        return new OpenAIChatRequest(model, list, options, stream, includeUsage);
    }

    private static bool ReadStreamOptions(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("stream_options", "must be an object");
        }

        if (value.TryGetProperty("include_usage", out var usage) && usage.ValueKind != JsonValueKind.Null)
        {
            return usage.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Invalid("stream_options.include_usage", "must be a boolean"),
            };
        }

        return false;
    }

    private static float? ReadNumber(JsonElement value, string param, double min, double max)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || number < min || number > max)
        {
            throw Invalid(param, string.Create(CultureInfo.InvariantCulture, $"must be a number from {min} to {max}"));
        }

        return (float)number;
    }

    private static List<string>? ReadStop(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.String:
                return [value.GetString()!];
            case JsonValueKind.Array:
                var list = new List<string>(value.GetArrayLength());
                foreach (var item in value.EnumerateArray())
                {
                    list.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw Invalid("stop", "must be a string or an array of strings"));
                }

                return list.Count <= 4 ? list : throw Invalid("stop", "may hold at most 4 sequences");
            default:
                throw Invalid("stop", "must be a string or an array of strings");
        }
    }

    private static List<AITool>? ReadTools(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid("tools", "must be an array");
        }

        var tools = new List<AITool>(value.GetArrayLength());
        var i = 0;
        foreach (var tool in value.EnumerateArray())
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"tools[{i++}]");
            if (tool.ValueKind != JsonValueKind.Object
                || !tool.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || !type.ValueEquals("function"))
            {
                throw Invalid(at + ".type", "must be 'function'");
            }

            if (!tool.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(at + ".function", "is required: an object with name, description and parameters");
            }

            if (!function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(name.GetString()))
            {
                throw Invalid(at + ".function.name", "is required");
            }

            var description = function.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            JsonElement schema;
            if (function.TryGetProperty("parameters", out var parameters) && parameters.ValueKind != JsonValueKind.Null)
            {
                schema = parameters.ValueKind == JsonValueKind.Object ? parameters.Clone() : throw Invalid(at + ".function.parameters", "must be a JSON Schema object");
            }
            else
            {
                schema = EmptySchema;
            }

            tools.Add(AIFunctionFactory.CreateDeclaration(name.GetString()!, description, schema));
        }

        return tools;
    }

    private static readonly JsonElement EmptySchema = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone();

    private static ChatToolMode? ReadToolChoice(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.String when value.ValueEquals("auto"):
                return ChatToolMode.Auto;
            case JsonValueKind.String when value.ValueEquals("none"):
                return ChatToolMode.None;
            case JsonValueKind.String when value.ValueEquals("required"):
                return ChatToolMode.RequireAny;
            case JsonValueKind.Object
                when value.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object
                     && function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String:
                return ChatToolMode.RequireSpecific(name.GetString()!);
            default:
                throw Invalid("tool_choice", "must be 'auto', 'none', 'required' or {\"type\":\"function\",\"function\":{\"name\":...}}");
        }
    }

    private static ChatResponseFormat? ReadResponseFormat(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            throw Invalid("response_format", "must be an object with a type: text, json_object or json_schema");
        }

        if (type.ValueEquals("text"))
        {
            return ChatResponseFormat.Text;
        }

        if (type.ValueEquals("json_object"))
        {
            return ChatResponseFormat.Json;
        }

        if (type.ValueEquals("json_schema"))
        {
            if (!value.TryGetProperty("json_schema", out var spec) || spec.ValueKind != JsonValueKind.Object
                || !spec.TryGetProperty("schema", out var schema) || schema.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("response_format.json_schema.schema", "is required: a JSON Schema object");
            }

            var name = spec.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            var description = spec.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            return ChatResponseFormat.ForJsonSchema(schema.Clone(), name, description);
        }

        throw Invalid("response_format.type", "must be text, json_object or json_schema");
    }

    private static ChatMessage ReadMessage(JsonElement message, int index)
    {
        var at = string.Create(CultureInfo.InvariantCulture, $"messages[{index}]");
        if (message.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(at, "must be an object with a role and content");
        }

        if (!message.TryGetProperty("role", out var roleValue) || roleValue.ValueKind != JsonValueKind.String)
        {
            throw new OpenAIRequestException(at + ".role", $"{at}.role is required: system, developer, user, assistant or tool.", "missing_required_parameter");
        }

        ChatRole role;
        if (roleValue.ValueEquals("user"))
        {
            role = ChatRole.User;
        }
        else if (roleValue.ValueEquals("assistant"))
        {
            role = ChatRole.Assistant;
        }
        else if (roleValue.ValueEquals("system") || roleValue.ValueEquals("developer"))
        {
            role = ChatRole.System;
        }
        else if (roleValue.ValueEquals("tool"))
        {
            role = ChatRole.Tool;
        }
        else
        {
            throw new OpenAIRequestException(
                at + ".role", $"'{Shorten(roleValue.GetString())}' is not a valid role for {at}; use system, developer, user, assistant or tool.", "invalid_value");
        }

        var result = new ChatMessage { Role = role };
        if (message.TryGetProperty("name", out var author) && author.ValueKind == JsonValueKind.String)
        {
            result.AuthorName = author.GetString();
        }

        message.TryGetProperty("content", out var content);
        if (role == ChatRole.Tool)
        {
            if (!message.TryGetProperty("tool_call_id", out var callId) || callId.ValueKind != JsonValueKind.String)
            {
                throw new OpenAIRequestException(at + ".tool_call_id", $"{at}.tool_call_id is required for a tool message.", "missing_required_parameter");
            }

            result.Contents.Add(new FunctionResultContent(callId.GetString()!, ContentText(content, at)));
            return result;
        }

        ReadContent(content, at, role, result.Contents);
        if (role == ChatRole.Assistant && message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind != JsonValueKind.Null)
        {
            ReadToolCalls(calls, at, result.Contents);
        }

        if (result.Contents.Count == 0 && role != ChatRole.Assistant)
        {
            throw new OpenAIRequestException(at + ".content", $"{at}.content is required.", "missing_required_parameter");
        }

        return result;
    }

    private static void ReadContent(JsonElement content, string at, ChatRole role, IList<AIContent> contents)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.Undefined:
            case JsonValueKind.Null:
                return;
            case JsonValueKind.String:
                contents.Add(new TextContent(content.GetString()));
                return;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var part in content.EnumerateArray())
                {
                    var partAt = string.Create(CultureInfo.InvariantCulture, $"{at}.content[{i++}]");
                    if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                    {
                        throw Invalid(partAt + ".type", "is required: text or image_url");
                    }

                    if (type.ValueEquals("text"))
                    {
                        contents.Add(part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String
                            ? new TextContent(text.GetString())
                            : throw Invalid(partAt + ".text", "must be a string"));
                    }
                    else if (type.ValueEquals("image_url") && role == ChatRole.User)
                    {
                        contents.Add(ReadImage(part, partAt));
                    }
                    else if (type.ValueEquals("refusal") && role == ChatRole.Assistant)
                    {
                        continue;
                    }
                    else
                    {
                        throw new OpenAIRequestException(partAt + ".type", $"'{Shorten(type.GetString())}' content parts are not supported in {at}; use text or image_url.", "invalid_value");
                    }
                }

                return;
            default:
                throw Invalid(at + ".content", "must be a string or an array of content parts");
        }
    }

    private static AIContent ReadImage(JsonElement part, string at)
    {
        if (!part.TryGetProperty("image_url", out var image) || image.ValueKind != JsonValueKind.Object
            || !image.TryGetProperty("url", out var url) || url.ValueKind != JsonValueKind.String)
        {
            throw Invalid(at + ".image_url.url", "is required");
        }

        var text = url.GetString()!;
        AIContent result;
        if (text.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                result = new DataContent(text);
            }
            catch (FormatException)
            {
                throw Invalid(at + ".image_url.url", "is not a valid data URI");
            }
            catch (ArgumentException)
            {
                throw Invalid(at + ".image_url.url", "is not a valid data URI");
            }
        }
        else if (Uri.TryCreate(text, UriKind.Absolute, out var uri)
                 && (string.Equals(uri.Scheme, Uri.UriSchemeHttps, StringComparison.Ordinal) || string.Equals(uri.Scheme, Uri.UriSchemeHttp, StringComparison.Ordinal)))
        {
            result = new UriContent(uri, "image/*");
        }
        else
        {
            throw Invalid(at + ".image_url.url", "must be an http(s) URL or a data URI");
        }

        if (image.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String)
        {
            (result.AdditionalProperties ??= [])["detail"] = detail.GetString();
        }

        return result;
    }

    private static void ReadToolCalls(JsonElement calls, string at, IList<AIContent> contents)
    {
        if (calls.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(at + ".tool_calls", "must be an array");
        }

        var i = 0;
        foreach (var call in calls.EnumerateArray())
        {
            var callAt = string.Create(CultureInfo.InvariantCulture, $"{at}.tool_calls[{i++}]");
            if (call.ValueKind != JsonValueKind.Object || !call.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String)
            {
                throw Invalid(callAt + ".id", "is required");
            }

            if (!call.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object
                || !function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            {
                throw Invalid(callAt + ".function.name", "is required");
            }

            Dictionary<string, object?>? arguments = null;
            if (function.TryGetProperty("arguments", out var args) && args.ValueKind == JsonValueKind.String && args.GetString() is { Length: > 0 } json)
            {
                try
                {
                    using var document = JsonDocument.Parse(json);
                    if (document.RootElement.ValueKind != JsonValueKind.Object)
                    {
                        throw Invalid(callAt + ".function.arguments", "must be a JSON object in a string");
                    }

                    arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (var argument in document.RootElement.EnumerateObject())
                    {
                        arguments[argument.Name] = argument.Value.Clone();
                    }
                }
                catch (JsonException)
                {
                    throw Invalid(callAt + ".function.arguments", "must be a JSON object in a string");
                }
            }

            contents.Add(new FunctionCallContent(id.GetString()!, name.GetString()!, arguments));
        }
    }

    private static string ContentText(JsonElement content, string at)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                return content.GetString()!;
            case JsonValueKind.Array:
                var builder = new System.Text.StringBuilder();
                foreach (var part in content.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
                    {
                        builder.Append(text.GetString());
                    }
                }

                return builder.ToString();
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                return string.Empty;
            default:
                throw Invalid(at + ".content", "must be a string or an array of text parts");
        }
    }

    private static string Shorten(string? value) => value is null ? string.Empty : value.Length <= 40 ? value : value[..40] + "...";

    private static OpenAIRequestException Invalid(string param, string problem) => new(param, $"{param} {problem}.", "invalid_value");
}
