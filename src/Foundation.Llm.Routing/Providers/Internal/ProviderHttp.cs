using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Foundation.Llm.Routing.Errors;
using Foundation.Llm.Routing.Providers.Sse;

namespace Foundation.Llm.Routing.Providers.Internal;

/// <summary>Classifies an error answer for one provider's wire format.</summary>
internal delegate LlmErrorKind ProviderErrorClassifier(HttpStatusCode? status, ProviderErrorInfo info);

/// <summary>Sending, error answers, Retry-After and stream reading shared by the provider clients.</summary>
internal static class ProviderHttp
{
    private const int MaxErrorBodyBytes = 64 * 1024;

    internal static readonly MediaTypeHeaderValue JsonContentType = new("application/json") { CharSet = "utf-8" };
    internal static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");
    internal static readonly MediaTypeWithQualityHeaderValue AcceptEventStream = new("text/event-stream");

    /// <summary>Writes a request body with <paramref name="write"/> into a buffer and wraps it as JSON content.</summary>
    public static ByteArrayContent JsonContent<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            write(writer, state);
        }

        // ByteArrayContent over the written segment: one copy-free wrap of the buffer.
        var content = new ByteArrayContent(GetArray(buffer), 0, buffer.WrittenCount);
        content.Headers.ContentType = JsonContentType;
        return content;
    }

    private static byte[] GetArray(ArrayBufferWriter<byte> buffer) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(buffer.WrittenMemory, out var segment) && segment.Array is not null
            ? segment.Array
            : buffer.WrittenSpan.ToArray();

    /// <summary>
    /// Sends the request and returns a successful response; every failure becomes an <see cref="LlmProviderException"/>
    /// except the caller's own cancellation, which stays an <see cref="OperationCanceledException"/>, and a refusal of the
    /// outbound address guard, which stays an <see cref="Outbound.OutboundAddressRefusedException"/>.
    /// </summary>
    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient httpClient,
        HttpRequestMessage request,
        bool streaming,
        string provider,
        string? apiKey,
        ProviderErrorClassifier classify,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await httpClient.SendAsync(
                request,
                streaming ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead,
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw ProviderErrors.Timeout(provider, $"no answer within the HTTP client's timeout ({FormatTimeout(httpClient.Timeout)}).", ex);
        }
        catch (HttpRequestException ex) when (ex.InnerException is Outbound.OutboundAddressRefusedException refused)
        {
            // The outbound address guard refused the caller's URL before connecting: the request's fault, never the provider's.
            ExceptionDispatchInfo.Throw(refused);
            throw;
        }
        catch (HttpRequestException ex)
        {
            throw FromTransport(ex, provider);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var body = await ReadErrorBodyAsync(response, cancellationToken).ConfigureAwait(false);
            var info = ProviderErrorInfo.Parse(body);
            var kind = classify(response.StatusCode, info);
            var retryAfter = GetRetryAfter(response, timeProvider);
            throw ProviderErrors.FromHttp(kind, response.StatusCode, info, retryAfter, provider, apiKey);
        }
    }

    /// <summary>A transport failure: a response cut short or unreadable is malformed, anything else (refused, reset, DNS) is upstream.</summary>
    public static LlmProviderException FromTransport(HttpRequestException ex, string provider) =>
        IsCutShort(ex)
            ? ProviderErrors.Malformed(provider, $"the response was cut short or unreadable ({ex.Message})", ex)
            : new LlmProviderException(LlmErrorKind.UpstreamError, $"The LLM provider '{provider}' could not be reached: {ex.Message}", provider: provider, innerException: ex);

    private static bool IsCutShort(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            var error = ex switch
            {
                HttpRequestException request => request.HttpRequestError,
                HttpIOException io => io.HttpRequestError,
                _ => HttpRequestError.Unknown,
            };
            if (error is HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// How long the provider asked to wait: OpenAI's <c>retry-after-ms</c> first, then <c>Retry-After</c> as seconds or an HTTP
    /// date (measured against the response's own <c>Date</c> header when present, else the injected clock).
    /// </summary>
    public static TimeSpan? GetRetryAfter(HttpResponseMessage response, TimeProvider timeProvider)
    {
        if (response.Headers.TryGetValues("retry-after-ms", out var msValues))
        {
            foreach (var value in msValues)
            {
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0 && ms < TimeSpan.MaxValue.TotalMilliseconds)
                {
                    return TimeSpan.FromMilliseconds(ms);
                }
            }
        }

        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (retryAfter?.Date is { } date)
        {
            var now = response.Headers.Date ?? timeProvider.GetUtcNow();
            var wait = date - now;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        // A fractional "Retry-After: 1.5" is not valid HTTP, but some servers send it.
        if (response.Headers.TryGetValues("Retry-After", out var raw))
        {
            foreach (var value in raw)
            {
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds < 86_400)
                {
                    return TimeSpan.FromSeconds(seconds);
                }
            }
        }

        return null;
    }

    /// <summary>Reads up to 64 KiB of an error body; an unreadable body is simply empty.</summary>
    private static async Task<byte[]> ReadErrorBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var buffer = new byte[MaxErrorBodyBytes];
                var total = 0;
                int read;
                while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    total += read;
                }

                return buffer.AsSpan(0, total).ToArray();
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return [];
        }
    }

    /// <summary>
    /// Reads the next event of a stream, turning a cut connection into <see cref="LlmErrorKind.MalformedResponse"/> and an idle
    /// timeout into <see cref="LlmErrorKind.Timeout"/>; the caller's cancellation stays an <see cref="OperationCanceledException"/>.
    /// </summary>
    public static async ValueTask<bool> ReadEventAsync(
        SseReader reader, CancellationTokenSource? idle, TimeSpan? idleTimeout, string provider, CancellationToken callerToken)
    {
        try
        {
            if (idle is not null && idleTimeout is { } timeout)
            {
                idle.CancelAfter(timeout);
                var has = await reader.ReadNextAsync(idle.Token).ConfigureAwait(false);
                idle.CancelAfter(Timeout.InfiniteTimeSpan);
                return has;
            }

            return await reader.ReadNextAsync(callerToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!callerToken.IsCancellationRequested)
        {
            throw ProviderErrors.Timeout(provider, $"no stream event within {FormatTimeout(idleTimeout ?? TimeSpan.Zero)}.", ex);
        }
        catch (HttpRequestException ex)
        {
            throw ProviderErrors.Malformed(provider, $"the stream was cut before its end ({ex.Message}).", ex);
        }
        catch (IOException ex)
        {
            throw ProviderErrors.Malformed(provider, $"the stream was cut before its end ({ex.Message}).", ex);
        }
        catch (InvalidDataException ex)
        {
            throw ProviderErrors.Malformed(provider, ex.Message, ex);
        }
    }

    /// <summary>Reads a whole (already buffered) success body, mapping a body cut short to a malformed response.</summary>
    public static async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, string provider, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw FromTransport(ex, provider);
        }
        catch (IOException ex)
        {
            throw ProviderErrors.Malformed(provider, $"the response was cut short ({ex.Message}).", ex);
        }
    }

    /// <summary>Adds the configured extra headers.</summary>
    public static void AddHeaders(HttpRequestMessage request, IDictionary<string, string> headers)
    {
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }

    private static string FormatTimeout(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan ? "infinite" : timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
}
