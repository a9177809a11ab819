using System.Runtime.CompilerServices;
using Foundation.Llm.Routing.Errors;
using Foundation.Llm.Routing.Providers.Internal;
using Foundation.Llm.Routing.Providers.Sse;
using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Providers.Anthropic;

/// <summary>
/// An <see cref="IChatClient"/> over Anthropic's Messages API on a plain <see cref="HttpClient"/> (<c>{BaseUrl}/messages</c>,
/// <c>x-api-key</c> and <c>anthropic-version</c> headers): a top-level system prompt, content blocks (text, images, PDF documents,
/// tool_use, tool_result, thinking), tools and tool choice, <c>cache_control</c> from <c>AdditionalProperties["cache_control"]</c>,
/// and usage with cache reads and writes normalised per <see cref="LlmUsageKeys"/>. Failures are <see cref="LlmProviderException"/>s;
/// the caller's cancellation stays an <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class AnthropicChatClient : IChatClient
{
    private readonly HttpClient _httpClient;
    private readonly AnthropicChatClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Uri _endpoint;
    private readonly ChatClientMetadata _metadata;

    /// <summary>Creates the client. The <paramref name="httpClient"/> (its timeout included) belongs to the caller.</summary>
    /// <param name="httpClient">The HTTP client, typically from <c>IHttpClientFactory</c>.</param>
    /// <param name="options">The endpoint, key and defaults.</param>
    public AnthropicChatClient(HttpClient httpClient, AnthropicChatClientOptions options)
        : this(httpClient, options, timeProvider: null)
    {
    }

    /// <summary>Creates the client. The <paramref name="httpClient"/> (its timeout included) belongs to the caller.</summary>
    /// <param name="httpClient">The HTTP client, typically from <c>IHttpClientFactory</c>.</param>
    /// <param name="options">The endpoint, key and defaults.</param>
    /// <param name="timeProvider">The clock for <c>Retry-After</c> dates when the response has no <c>Date</c> header.</param>
    public AnthropicChatClient(HttpClient httpClient, AnthropicChatClientOptions options, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        if (options.BaseUrl is null)
        {
            throw new ArgumentException("AnthropicChatClientOptions.BaseUrl is required.", nameof(options));
        }

        _httpClient = httpClient;
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;

        _endpoint = new Uri(options.BaseUrl.AbsoluteUri.TrimEnd('/') + "/messages");
        _metadata = new ChatClientMetadata("anthropic", options.BaseUrl, options.DefaultModel);
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var request = CreateRequest(messages, options, stream: false);
        using var response = await ProviderHttp.SendAsync(
            _httpClient, request, streaming: false, _options.ProviderName, _options.ApiKey, ProviderErrors.ClassifyAnthropic, _timeProvider, cancellationToken)
            .ConfigureAwait(false);
        var body = await ProviderHttp.ReadBodyAsync(response, _options.ProviderName, cancellationToken).ConfigureAwait(false);
        return AnthropicResponseReader.ReadResponse(body, _options.ProviderName);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var provider = _options.ProviderName;
        using var request = CreateRequest(messages, options, stream: true);
        using var response = await ProviderHttp.SendAsync(
            _httpClient, request, streaming: true, provider, _options.ApiKey, ProviderErrors.ClassifyAnthropic, _timeProvider, cancellationToken)
            .ConfigureAwait(false);

        Stream body;
        try
        {
            body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw ProviderHttp.FromTransport(ex, provider);
        }

        using var idle = _options.StreamIdleTimeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reader = new SseReader(body);
        await using (reader.ConfigureAwait(false))
        await using (body.ConfigureAwait(false))
        {
            var state = new AnthropicStreamState(provider, _options.ApiKey);
            while (await ProviderHttp.ReadEventAsync(reader, idle, _options.StreamIdleTimeout, provider, cancellationToken).ConfigureAwait(false))
            {
                var update = state.Process(reader.Data);
                if (update is not null)
                {
                    yield return update;
                }

                if (state.Done)
                {
                    yield break;
                }
            }

            throw ProviderErrors.Malformed(provider, "the stream ended before its message_stop event.");
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return _metadata;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Nothing to release: the <see cref="HttpClient"/> belongs to the caller.</summary>
    public void Dispose()
    {
    }

    private HttpRequestMessage CreateRequest(IEnumerable<ChatMessage> messages, ChatOptions? options, bool stream)
    {
        var model = options?.ModelId ?? _options.DefaultModel;
        if (string.IsNullOrEmpty(model))
        {
            throw new InvalidOperationException(
                $"No model for the Anthropic provider '{_options.ProviderName}': set ChatOptions.ModelId or AnthropicChatClientOptions.DefaultModel.");
        }

        var maxTokens = options?.MaxOutputTokens ?? _options.DefaultMaxTokens;
        var request = new HttpRequestMessage(HttpMethod.Post, _endpoint)
        {
            Content = ProviderHttp.JsonContent(
                new AnthropicRequestWriter.Request(messages, options, model, maxTokens, stream), AnthropicRequestWriter.Write),
        };
        request.Headers.Accept.Add(stream ? ProviderHttp.AcceptEventStream : ProviderHttp.AcceptJson);
        if (!string.IsNullOrEmpty(_options.ApiKey))
        {
            request.Headers.TryAddWithoutValidation("x-api-key", _options.ApiKey);
        }

        request.Headers.TryAddWithoutValidation("anthropic-version", _options.AnthropicVersion);
        ProviderHttp.AddHeaders(request, _options.Headers);
        return request;
    }
}
