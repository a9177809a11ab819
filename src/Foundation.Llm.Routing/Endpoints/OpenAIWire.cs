using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Endpoints;

/// <summary>Writes OpenAI's Chat Completions answers (<c>chat.completion</c>, <c>chat.completion.chunk</c>, errors) with <see cref="Utf8JsonWriter"/>.</summary>
internal static class OpenAIWire
{
    public static ReadOnlySpan<byte> DataPrefix => "data: "u8;

    public static ReadOnlySpan<byte> EventEnd => "\n\n"u8;

    public static ReadOnlySpan<byte> Done => "data: [DONE]\n\n"u8;

    // Relaxed escaping: the body is application/json or text/event-stream, never HTML, so quotes and apostrophes stay readable.
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>A writer over <paramref name="output"/>, reused per thread (flush it before the thread may change).</summary>
    public static Utf8JsonWriter Writer(IBufferWriter<byte> output)
    {
        var writer = t_writer;
        if (writer is null)
        {
            writer = new Utf8JsonWriter(output, WriterOptions);
            t_writer = writer;
        }
        else
        {
            writer.Reset(output);
        }

        return writer;
    }

    public static void WriteError(Utf8JsonWriter w, string message, string type, string? param, string? code)
    {
        w.WriteStartObject();
        w.WriteStartObject("error"u8);
        w.WriteString("message"u8, message);
        w.WriteString("type"u8, type);
        WriteNullable(w, "param"u8, param);
        WriteNullable(w, "code"u8, code);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void WriteCompletion(Utf8JsonWriter w, string id, long created, string model, ChatResponse response)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, id);
        w.WriteString("object"u8, "chat.completion"u8);
        w.WriteNumber("created"u8, created);
        w.WriteString("model"u8, model);
        w.WriteStartArray("choices"u8);
        w.WriteStartObject();
        w.WriteNumber("index"u8, 0);
        w.WriteStartObject("message"u8);
        w.WriteString("role"u8, "assistant"u8);

        var text = response.Text;
        var calls = 0;
        foreach (var message in response.Messages)
        {
            foreach (var content in message.Contents)
            {
                if (content is FunctionCallContent)
                {
                    calls++;
                }
            }
        }

        if (text.Length > 0 || calls == 0)
        {
            w.WriteString("content"u8, text);
        }
        else
        {
            w.WriteNull("content"u8);
        }

        w.WriteNull("refusal"u8);
        if (calls > 0)
        {
            w.WriteStartArray("tool_calls"u8);
            foreach (var message in response.Messages)
            {
                foreach (var content in message.Contents)
                {
                    if (content is FunctionCallContent call)
                    {
                        WriteToolCall(w, call, index: null);
                    }
                }
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteNull("logprobs"u8);
        w.WriteString("finish_reason"u8, FinishReason(response.FinishReason, calls > 0));
        w.WriteEndObject();
        w.WriteEndArray();
        w.WritePropertyName("usage"u8);
        WriteUsage(w, response.Usage);
        w.WriteNull("system_fingerprint"u8);
        w.WriteEndObject();
    }

    /// <summary>Starts a <c>chat.completion.chunk</c> up to the opening of <c>choices</c>.</summary>
    public static void StartChunk(Utf8JsonWriter w, string id, long created, string model)
    {
        w.WriteStartObject();
        w.WriteString("id"u8, id);
        w.WriteString("object"u8, "chat.completion.chunk"u8);
        w.WriteNumber("created"u8, created);
        w.WriteString("model"u8, model);
        w.WriteNull("system_fingerprint"u8);
        w.WriteStartArray("choices"u8);
    }

    /// <summary>Closes what <see cref="StartChunk"/> opened, with <c>usage</c> (null or the counts) when asked for.</summary>
    public static void EndChunk(Utf8JsonWriter w, bool includeUsage, UsageDetails? usage)
    {
        w.WriteEndArray();
        if (includeUsage)
        {
            w.WritePropertyName("usage"u8);
            if (usage is null)
            {
                w.WriteNullValue();
            }
            else
            {
                WriteUsage(w, usage);
            }
        }

        w.WriteEndObject();
    }

    public static void WriteToolCall(Utf8JsonWriter w, FunctionCallContent call, int? index)
    {
        w.WriteStartObject();
        if (index is { } i)
        {
            w.WriteNumber("index"u8, i);
        }

        w.WriteString("id"u8, call.CallId);
        w.WriteString("type"u8, "function"u8);
        w.WriteStartObject("function"u8);
        w.WriteString("name"u8, call.Name);
        w.WriteString("arguments"u8, Arguments(call.Arguments));
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void WriteUsage(Utf8JsonWriter w, UsageDetails? usage)
    {
        var input = usage?.InputTokenCount ?? 0;
        var output = usage?.OutputTokenCount ?? 0;
        w.WriteStartObject();
        w.WriteNumber("prompt_tokens"u8, input);
        w.WriteNumber("completion_tokens"u8, output);
        w.WriteNumber("total_tokens"u8, usage?.TotalTokenCount ?? input + output);
        w.WriteStartObject("prompt_tokens_details"u8);
        w.WriteNumber("cached_tokens"u8, usage?.CachedInputTokenCount ?? 0);
        w.WriteEndObject();
        w.WriteStartObject("completion_tokens_details"u8);
        w.WriteNumber("reasoning_tokens"u8, usage?.ReasoningTokenCount ?? 0);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static string FinishReason(ChatFinishReason? reason, bool toolCalls)
    {
        if (reason is { } r)
        {
            if (r == ChatFinishReason.Length)
            {
                return "length";
            }

            if (r == ChatFinishReason.ToolCalls)
            {
                return "tool_calls";
            }

            if (r == ChatFinishReason.ContentFilter)
            {
                return "content_filter";
            }

            if (r == ChatFinishReason.Stop)
            {
                return toolCalls ? "tool_calls" : "stop";
            }

            return r.Value;
        }

        return toolCalls ? "tool_calls" : "stop";
    }

    public static long UnixSeconds(DateTimeOffset time) => time.ToUnixTimeSeconds();

    public static string NewId(DateTimeOffset now) => "chatcmpl-" + Guid.CreateVersion7(now).ToString("N");

    private static string Arguments(IDictionary<string, object?>? arguments)
    {
        if (arguments is null || arguments.Count == 0)
        {
            return "{}";
        }

        // Compact, whatever the indentation of the shared options: the writer decides.
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            JsonSerializer.Serialize(writer, arguments, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>)));
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteNullable(Utf8JsonWriter w, ReadOnlySpan<byte> name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    internal static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
