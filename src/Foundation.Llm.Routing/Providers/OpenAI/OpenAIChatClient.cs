using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Foundation.Llm.Routing.Errors;
using Foundation.Llm.Routing.Providers.Internal;
using Foundation.Llm.Routing.Providers.Sse;
using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Providers.OpenAI;

/// <summary>
/// An <see cref="IChatClient"/> over the OpenAI Chat Completions API on a plain <see cref="HttpClient"/>: OpenAI itself, Azure OpenAI
/// (when <see cref="OpenAIChatClientOptions.ApiVersion"/> is set: <c>{BaseUrl}/chat/completions?api-version=...</c> with an
/// <c>api-key</c> header) and OpenAI-compatible servers (Ollama, vLLM, LM Studio, Groq, Together, Mistral, HuggingFace TGI) at their
/// base URL. Streams ask for <c>stream_options.include_usage</c> and report the usage as a <see cref="UsageContent"/> in the last
/// update. Failures are <see cref="LlmProviderException"/>s; the caller's cancellation stays an <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class OpenAIChatClient : IChatClient
{
    private readonly HttpClient _httpClient;
    private readonly OpenAIChatClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Uri _endpoint;
    private readonly bool _useMaxCompletionTokens;
    private readonly bool _includeStreamUsage;
    private readonly AuthenticationHeaderValue? _authorization;
    private readonly ChatClientMetadata _metadata;

    /// <summary>Creates the client. The <paramref name="httpClient"/> (its timeout included) belongs to the caller.</summary>
    /// <param name="httpClient">The HTTP client, typically from <c>IHttpClientFactory</c>.</param>
    /// <param name="options">The endpoint, key and defaults.</param>
    public OpenAIChatClient(HttpClient httpClient, OpenAIChatClientOptions options)
        : this(httpClient, options, timeProvider: null)
    {
    }

    /// <summary>Creates the client. The <paramref name="httpClient"/> (its timeout included) belongs to the caller.</summary>
    /// <param name="httpClient">The HTTP client, typically from <c>IHttpClientFactory</c>.</param>
    /// <param name="options">The endpoint, key and defaults.</param>
    /// <param name="timeProvider">The clock for <c>Retry-After</c> dates when the response has no <c>Date</c> header.</param>
    public OpenAIChatClient(HttpClient httpClient, OpenAIChatClientOptions options, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        if (options.BaseUrl is null)
        {
            throw new ArgumentException("OpenAIChatClientOptions.BaseUrl is required.", nameof(options));
        }

        _httpClient = httpClient;
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;

        var baseUrl = options.BaseUrl.AbsoluteUri.TrimEnd('/');
        _endpoint = string.IsNullOrEmpty(options.ApiVersion)
            ? new Uri(baseUrl + "/chat/completions")
            : new Uri(baseUrl + "/chat/completions?api-version=" + Uri.EscapeDataString(options.ApiVersion));
        _useMaxCompletionTokens = options.UseMaxCompletionTokens
            ?? (!string.IsNullOrEmpty(options.ApiVersion) || string.Equals(options.BaseUrl.Host, "api.openai.com", StringComparison.OrdinalIgnoreCase));
        _includeStreamUsage = options.IncludeStreamUsage
            ?? !string.Equals(options.BaseUrl.Host, "api.mistral.ai", StringComparison.OrdinalIgnoreCase);
        if (!string.IsNullOrEmpty(options.ApiKey) && string.IsNullOrEmpty(options.ApiVersion))
        {
            _authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        }

        _metadata = new ChatClientMetadata(options.System, options.BaseUrl, options.DefaultModel);
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var request = CreateRequest(messages, options, stream: false);
        using var response = await ProviderHttp.SendAsync(
            _httpClient, request, streaming: false, _options.ProviderName, _options.ApiKey, ProviderErrors.ClassifyOpenAI, _timeProvider, cancellationToken)
            .ConfigureAwait(false);
        var body = await ProviderHttp.ReadBodyAsync(response, _options.ProviderName, cancellationToken).ConfigureAwait(false);
        return OpenAIResponseReader.ReadResponse(body, _options.ProviderName, _options.ApiKey);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var provider = _options.ProviderName;
        using var request = CreateRequest(messages, options, stream: true);
        using var response = await ProviderHttp.SendAsync(
            _httpClient, request, streaming: true, provider, _options.ApiKey, ProviderErrors.ClassifyOpenAI, _timeProvider, cancellationToken)
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
            var state = new OpenAIStreamState(provider, _options.ApiKey);
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

            throw ProviderErrors.Malformed(provider, "the stream ended before 'data: [DONE]'.");
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
                $"No model for the OpenAI provider '{_options.ProviderName}': set ChatOptions.ModelId or OpenAIChatClientOptions.DefaultModel.");
        }

        var request = new HttpRequestMessage(HttpMethod.Post, _endpoint)
        {
            Content = ProviderHttp.JsonContent(
                new OpenAIRequestWriter.Request(messages, options, model, stream, _useMaxCompletionTokens, _includeStreamUsage), OpenAIRequestWriter.Write),
        };
        request.Headers.Accept.Add(stream ? ProviderHttp.AcceptEventStream : ProviderHttp.AcceptJson);
        if (_authorization is not null)
        {
            request.Headers.Authorization = _authorization;
        }
        else if (!string.IsNullOrEmpty(_options.ApiKey))
        {
            request.Headers.TryAddWithoutValidation("api-key", _options.ApiKey);
        }

        ProviderHttp.AddHeaders(request, _options.Headers);
        return request;
    }
}
