using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Foundation.Hosting.Errors;

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

/// <summary>
/// Reads the JSON body of every endpoint that accepts JSON once, before its handler, and refuses it with a
/// <see cref="BadHttpRequestException"/> (400, inner <see cref="InvalidJsonBodyException"/>) unless it is well-formed JSON
/// whose every string and property name is valid Unicode. System.Text.Json checks the syntax when it reads, but decodes a
/// string only when asked for it, and then throws an <see cref="InvalidOperationException"/> a handler does not expect
/// (<c>JsonElement.GetString()</c> on <c>"\ud800"</c>); after this guard, any code reading the body may rely on its text.
/// </summary>
/// <remarks>
/// It applies to requests whose Content-Type is JSON (or absent) on endpoints that declare a JSON body
/// (<see cref="IAcceptsMetadata"/>, which minimal APIs add for a body parameter and the gateway declares). Routing already
/// answers another Content-Type with 415 on such endpoints. The body is buffered in memory (its size is bounded by the server's
/// <c>MaxRequestBodySize</c>) and handed on as a seekable stream.
/// </remarks>
internal sealed class JsonBodyGuardMiddleware(RequestDelegate next, IOptions<JsonOptions> json)
{
    /// <summary>What minimal APIs accept (depth, comments, trailing commas), so the guard refuses nothing they would bind.</summary>
    private readonly JsonReaderOptions _reader = new()
    {
        MaxDepth = json.Value.SerializerOptions.MaxDepth,
        CommentHandling = json.Value.SerializerOptions.ReadCommentHandling,
        AllowTrailingCommas = json.Value.SerializerOptions.AllowTrailingCommas,
    };

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (context.GetEndpoint() is not { } endpoint
            || !AcceptsJson(endpoint)
            || request.ContentLength == 0
            || !HasJsonOrNoContentType(request))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var capacity = request.ContentLength is > 0 and <= 1 << 20 ? (int)request.ContentLength.Value : 4096;
        var buffer = new MemoryStream(capacity);
        await request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        if (buffer.Length > 0)
        {
            var failure = JsonTextValidator.Validate(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), _reader);
            if (failure is not null)
            {
                throw new BadHttpRequestException(failure.Message, StatusCodes.Status400BadRequest, failure);
            }
        }

        buffer.Position = 0;
        request.Body = buffer;
        context.Response.RegisterForDispose(buffer);
        await next(context).ConfigureAwait(false);
    }

    private static bool AcceptsJson(Endpoint endpoint)
    {
        foreach (var accepts in endpoint.Metadata.GetOrderedMetadata<IAcceptsMetadata>())
        {
            foreach (var type in accepts.ContentTypes)
            {
                if (type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                    || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool HasJsonOrNoContentType(HttpRequest request) =>
        string.IsNullOrEmpty(request.ContentType) || request.HasJsonContentType();
}

/// <summary>Checks a JSON text: syntax, depth, and that every string and property name decodes to valid Unicode.</summary>
internal static class JsonTextValidator
{
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
