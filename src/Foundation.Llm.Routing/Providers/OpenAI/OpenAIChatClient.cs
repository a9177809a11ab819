using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Providers.OpenAI;

/// <summary>Placeholder for the OpenAI Chat Completions client (replaced by the llm-providers branch).</summary>
public sealed class OpenAIChatClient : IChatClient
{
    /// <summary>Creates the client.</summary>
    /// <param name="httpClient">The HttpClient to send requests with.</param>
    /// <param name="options">The client's settings.</param>
    public OpenAIChatClient(HttpClient httpClient, OpenAIChatClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
    }

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        => throw new NotSupportedException("Placeholder: the provider client comes from the llm-providers branch.");

    /// <inheritdoc />
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        => throw new NotSupportedException("Placeholder: the provider client comes from the llm-providers branch.");

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
