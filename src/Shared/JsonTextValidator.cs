using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Foundation.Json;

/// <summary>
/// A JSON request body that cannot be read: not JSON at all, or JSON whose text is not Unicode (invalid UTF-8 bytes, or an
/// escaped UTF-16 surrogate without its pair such as <c>"\ud800"</c>). <see cref="JsonException.Path"/> names where.
/// </summary>
internal sealed class InvalidJsonBodyException(string message, string? path, string code, long? bytePosition, Exception? inner = null)
    : JsonException(message, path, lineNumber: null, bytePositionInLine: bytePosition, inner)
{
    /// <summary>The error <c>code</c> answered: <see cref="InvalidEncoding"/> or <see cref="InvalidJson"/>.</summary>
    public string Code { get; } = code;

    /// <summary>A string or property name that is not valid UTF-8, or an escaped lone UTF-16 surrogate.</summary>
    public const string InvalidEncoding = "invalid_encoding";

    /// <summary>Text that is not well-formed JSON (syntax, truncation, nesting deeper than 64).</summary>
    public const string InvalidJson = "invalid_json";
}

/// <summary>Checks a JSON text: syntax, depth, and that every string and property name decodes to valid Unicode.</summary>
internal static class JsonTextValidator
{
    /// <summary>
    /// The <see cref="Microsoft.AspNetCore.Http.HttpContext.Items"/> key a body guard sets once it has validated the request body,
    /// so an endpoint that validates its own body (the OpenAI-compatible gateway) does not do it twice.
    /// </summary>
    public const string ValidatedItemKey = "Foundation.Json.BodyValidated";

    /// <summary>The failure, naming the JSON path, or <see langword="null"/> when <paramref name="json"/> is valid.</summary>
    public static InvalidJsonBodyException? Validate(ReadOnlySpan<byte> json, JsonReaderOptions options = default)
    {
        var reader = new Utf8JsonReader(json, options);
        var frames = new List<Frame>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        if (!IsText(ref reader))
                        {
                            var at = Path(frames, json, includeLastName: false);
                            return new InvalidJsonBodyException(
                                $"The request body is not valid UTF-8 text: a property name in '{at}' holds invalid UTF-8 or a lone UTF-16 surrogate.",
                                at,
                                InvalidJsonBodyException.InvalidEncoding,
                                reader.TokenStartIndex);
                        }

                        var top = frames[^1];
                        frames[^1] = top with { NameStart = (int)reader.TokenStartIndex, NameLength = reader.ValueSpan.Length + 2 };
                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        NextElement(frames);
                        frames.Add(new Frame(reader.TokenType == JsonTokenType.StartArray, -1, -1, 0));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                    case JsonTokenType.String:
                        NextElement(frames);
                        if (!IsText(ref reader))
                        {
                            var at = Path(frames, json, includeLastName: true);
                            return new InvalidJsonBodyException(
                                $"The request body is not valid UTF-8 text: the string at '{at}' holds invalid UTF-8 or a lone UTF-16 surrogate.",
                                at,
                                InvalidJsonBodyException.InvalidEncoding,
                                reader.TokenStartIndex);
                        }

                        break;
                    default:
                        NextElement(frames);
                        break;
                }
            }
        }
        catch (JsonException ex)
        {
            var at = Path(frames, json, includeLastName: true);
            return new InvalidJsonBodyException(
                string.Create(CultureInfo.InvariantCulture, $"The request body is not valid JSON: {ReaderProblem(ex)} (near '{at}', byte {reader.BytesConsumed + 1})."),
                at,
                InvalidJsonBodyException.InvalidJson,
                reader.BytesConsumed,
                ex);
        }

        return null;
    }

    /// <summary>The reader's own words without its line/position suffix, which the message states in bytes instead.</summary>
    private static string ReaderProblem(JsonException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd(' ', '|', '.');
    }

    private static void NextElement(List<Frame> frames)
    {
        if (frames.Count > 0 && frames[^1].IsArray)
        {
            var top = frames[^1];
            frames[^1] = top with { Index = top.Index + 1 };
        }
    }

    private static bool IsText(ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        if (!reader.ValueIsEscaped)
        {
            return Utf8.IsValid(raw);
        }

        byte[]? rented = null;
        Span<byte> buffer = raw.Length <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(raw.Length));
        try
        {
            var length = reader.CopyString(buffer);
            return Utf8.IsValid(buffer[..length]);
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses to unescape a UTF-16 surrogate without its pair ("\ud800", "\udc00x").
            return false;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>A JSON path such as <c>$.messages[0].content</c>; names are decoded only here, on failure.</summary>
    private static string Path(List<Frame> frames, ReadOnlySpan<byte> json, bool includeLastName)
    {
        var path = new StringBuilder("$");
        for (var i = 0; i < frames.Count; i++)
        {
            var frame = frames[i];
            if (frame.IsArray)
            {
                if (frame.Index >= 0)
                {
                    path.Append('[').Append(frame.Index.ToString(CultureInfo.InvariantCulture)).Append(']');
                }
            }
            else if (frame.NameStart >= 0 && (includeLastName || i < frames.Count - 1))
            {
                var name = DecodeName(json.Slice(frame.NameStart, frame.NameLength));
                if (name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
                {
                    path.Append('.').Append(name);
                }
                else
                {
                    path.Append("['").Append(name.Replace("'", "\\'", StringComparison.Ordinal)).Append("']");
                }
            }
        }

        return path.ToString();
    }

    private static string DecodeName(ReadOnlySpan<byte> quoted)
    {
        var reader = new Utf8JsonReader(quoted);
        reader.Read();
        return reader.GetString() ?? string.Empty;
    }

    private readonly record struct Frame(bool IsArray, int Index, int NameStart, int NameLength);
}
