using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Foundation.Llm.Routing.Errors;

namespace Foundation.Llm.Routing.Providers.Internal;

/// <summary>The parts of a provider's error body that classify it.</summary>
/// <param name="Message">The provider's human-readable message.</param>
/// <param name="Type">The error type (<c>invalid_request_error</c>, <c>overloaded_error</c>).</param>
/// <param name="Code">The error code (<c>context_length_exceeded</c>, <c>content_filter</c>), a number rendered as text, or null.</param>
internal readonly record struct ProviderErrorInfo(string? Message, string? Type, string? Code)
{
    /// <summary>The error code, else the type: what <see cref="LlmProviderException.ProviderErrorCode"/> reports.</summary>
    public string? CodeOrType => Code ?? Type;

    /// <summary>
    /// Reads the error shapes seen in the wild: OpenAI's and Anthropic's <c>{"error":{"message","type","code"}}</c> (Anthropic adds a
    /// top-level <c>"type":"error"</c>), vLLM's top-level <c>{"object":"error","message","type","code"}</c>, and TGI/Ollama's
    /// <c>{"error":"text","error_type":"..."}</c>. Anything else yields the raw text (truncated) as the message.
    /// </summary>
    public static ProviderErrorInfo Parse(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return default;
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            return FromElement(document.RootElement);
        }
        catch (JsonException)
        {
            return new ProviderErrorInfo(Truncate(Encoding.UTF8.GetString(body[..Math.Min(body.Length, 2048)])), null, null);
        }
    }

    /// <summary>Reads an error from an already parsed element (an OpenAI stream chunk's <c>error</c>).</summary>
    public static ProviderErrorInfo FromElement(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return root.ValueKind == JsonValueKind.String ? new ProviderErrorInfo(Truncate(root.GetString()), null, null) : default;
        }

        if (root.TryGetProperty("error", out var error))
        {
            if (error.ValueKind == JsonValueKind.Object)
            {
                return new ProviderErrorInfo(Truncate(Text(error, "message")), Text(error, "type"), Text(error, "code"));
            }

            if (error.ValueKind == JsonValueKind.String)
            {
                return new ProviderErrorInfo(Truncate(error.GetString()), Text(root, "error_type"), null);
            }
        }

        return new ProviderErrorInfo(Truncate(Text(root, "message") ?? Text(root, "detail")), Text(root, "type"), Text(root, "code"));
    }

    private static string? Text(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            // Mistral puts a validation object in "message": keep it as JSON text rather than lose it.
            JsonValueKind.Object or JsonValueKind.Array when string.Equals(name, "message", StringComparison.Ordinal) => value.GetRawText(),
            _ => null,
        };
    }

    private static string? Truncate(string? text) => text is { Length: > 1000 } ? string.Concat(text.AsSpan(0, 1000), "...") : text;
}

/// <summary>Maps provider failures to <see cref="LlmProviderException"/>, the same way for every client.</summary>
internal static class ProviderErrors
{
    /// <summary>How an HTTP error answer of OpenAI (or a compatible server) is classified.</summary>
    public static LlmErrorKind ClassifyOpenAI(HttpStatusCode? status, ProviderErrorInfo info)
    {
        var code = info.Code;
        var message = info.Message;
        if (Is(code, "context_length_exceeded") || Is(code, "string_above_max_length")
            || Contains(message, "maximum context length") || Contains(message, "context length"))
        {
            return LlmErrorKind.ContextLengthExceeded;
        }

        if (Is(code, "content_filter") || Is(code, "content_policy_violation") || Is(info.Type, "content_filter"))
        {
            return LlmErrorKind.ContentFiltered;
        }

        return status is null ? ClassifyStreamError(info.Type) : ClassifyStatus(status.Value);
    }

    /// <summary>How an Anthropic error (HTTP answer or stream <c>error</c> event) is classified.</summary>
    public static LlmErrorKind ClassifyAnthropic(HttpStatusCode? status, ProviderErrorInfo info)
    {
        if (Contains(info.Message, "prompt is too long") || Contains(info.Message, "exceed context limit")
            || Contains(info.Message, "context window"))
        {
            return LlmErrorKind.ContextLengthExceeded;
        }

        return info.Type switch
        {
            "overloaded_error" => LlmErrorKind.Overloaded,
            "rate_limit_error" => LlmErrorKind.RateLimited,
            "authentication_error" or "permission_error" => LlmErrorKind.AuthenticationFailed,
            "api_error" => LlmErrorKind.UpstreamError,
            "timeout_error" => LlmErrorKind.Timeout,
            "invalid_request_error" or "not_found_error" or "request_too_large" => LlmErrorKind.BadRequest,
            _ => status is null ? LlmErrorKind.UpstreamError : ClassifyStatus(status.Value),
        };
    }

    /// <summary>The kind for a status when the body says nothing more specific.</summary>
    public static LlmErrorKind ClassifyStatus(HttpStatusCode status) => (int)status switch
    {
        429 => LlmErrorKind.RateLimited,
        401 or 403 => LlmErrorKind.AuthenticationFailed,
        408 or 504 => LlmErrorKind.Timeout,
        503 or 529 => LlmErrorKind.Overloaded,
        >= 400 and < 500 => LlmErrorKind.BadRequest,
        _ => LlmErrorKind.UpstreamError,
    };

    private static LlmErrorKind ClassifyStreamError(string? type) => type switch
    {
        "rate_limit_exceeded" or "requests" or "tokens" => LlmErrorKind.RateLimited,
        "invalid_request_error" => LlmErrorKind.BadRequest,
        _ => LlmErrorKind.UpstreamError,
    };

    /// <summary>Builds the exception for an HTTP error answer; the provider's message is kept, the API key never appears.</summary>
    public static LlmProviderException FromHttp(
        LlmErrorKind kind, HttpStatusCode status, ProviderErrorInfo info, TimeSpan? retryAfter, string provider, string? apiKey)
    {
        var builder = new StringBuilder(160)
            .Append("The LLM provider '").Append(provider).Append("' answered HTTP ")
            .Append(((int)status).ToString(CultureInfo.InvariantCulture));
        if (info.CodeOrType is { } code)
        {
            builder.Append(" (").Append(code).Append(')');
        }

        builder.Append(": ").Append(Scrub(info.Message, apiKey) ?? "no error message.");
        if (retryAfter is { } wait)
        {
            builder.Append(" Retry after ").Append(wait.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)).Append(" s.");
        }

        return new LlmProviderException(kind, builder.ToString(), status, retryAfter, provider, info.CodeOrType);
    }

    /// <summary>Builds the exception for an error reported inside a stream (Anthropic's <c>error</c> event, an OpenAI error chunk).</summary>
    public static LlmProviderException FromStream(LlmErrorKind kind, ProviderErrorInfo info, string provider, string? apiKey) =>
        new(kind, $"The LLM provider '{provider}' reported an error in the stream ({info.CodeOrType ?? "unknown"}): {Scrub(info.Message, apiKey) ?? "no error message."}",
            provider: provider, providerErrorCode: info.CodeOrType);

    /// <summary>The answer could not be read as the provider's documented format.</summary>
    public static LlmProviderException Malformed(string provider, string what, Exception? inner = null) =>
        new(LlmErrorKind.MalformedResponse, $"The LLM provider '{provider}' sent a malformed response: {what}", provider: provider, innerException: inner);

    /// <summary>No answer (or no next stream event) in time; the caller did not cancel.</summary>
    public static LlmProviderException Timeout(string provider, string what, Exception? inner = null) =>
        new(LlmErrorKind.Timeout, $"The LLM provider '{provider}' timed out: {what}", provider: provider, innerException: inner);

    /// <summary>Removes the API key from a provider-supplied text, should the provider echo it.</summary>
    public static string? Scrub(string? text, string? apiKey) =>
        text is null || string.IsNullOrEmpty(apiKey) || apiKey.Length < 4 ? text : text.Replace(apiKey, "***", StringComparison.Ordinal);

    private static bool Is(string? value, string expected) => string.Equals(value, expected, StringComparison.OrdinalIgnoreCase);

    private static bool Contains(string? value, string part) => value is not null && value.Contains(part, StringComparison.OrdinalIgnoreCase);
}
