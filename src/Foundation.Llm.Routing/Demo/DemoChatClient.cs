using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Demo;

/// <summary>
/// The built-in offline deployment: no network, no key. It answers a fixed, clearly labelled text derived from the last
/// user message ("[Foundation demo model] You said: ...") and says how to configure a real provider; streams it word by
/// word; reports usage the way a provider would (input about one token per four characters of the prompt, output 1.3
/// tokens per word). Model <see cref="ModelId"/>, provider system <see cref="SystemName"/>. A JSON response format gets
/// a JSON object. Deterministic: the same prompt gives the same answer.
/// </summary>
public sealed class DemoChatClient : IChatClient
{
    /// <summary>The model id the demo reports.</summary>
    public const string ModelId = "foundation-demo-1";

    /// <summary>The provider system (<c>gen_ai.system</c>) the demo reports.</summary>
    public const string SystemName = "foundation-demo";

    /// <summary>The label every answer starts with.</summary>
    public const string Label = "[Foundation demo model]";

    private const int MaxEcho = 200;

    private static readonly string Advice =
        "This answer comes from Foundation's built-in offline demo deployment, not from a language model. "
        + "To talk to a real model, set OPENAI_API_KEY or ANTHROPIC_API_KEY before starting the app, "
        + "or configure Foundation:Llm:Providers and Foundation:Llm:Models (see docs/llm-gateway.md). "
        + "Your own provider key can also be stored with POST /api/v1/provider-keys.";

    private readonly DemoChatClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ChatClientMetadata _metadata = new(SystemName, null, ModelId);

    /// <summary>Creates the demo client.</summary>
    /// <param name="options">The settings; default a 15 ms pause between words.</param>
    /// <param name="timeProvider">The clock for the pauses; default the system clock.</param>
    public DemoChatClient(DemoChatClientOptions? options = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? new DemoChatClientOptions();
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();
        var (text, usage) = Compose(messages, options);
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ModelId = ModelId,
            FinishReason = ChatFinishReason.Stop,
            Usage = usage,
            ResponseId = "demo-" + Guid.CreateVersion7(_time.GetUtcNow()).ToString("N"),
            CreatedAt = _time.GetUtcNow(),
        };
        return Task.FromResult(response);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var (text, usage) = Compose(messages, options);
        var responseId = "demo-" + Guid.CreateVersion7(_time.GetUtcNow()).ToString("N");
        var created = _time.GetUtcNow();
        var start = 0;
        var first = true;
        while (start < text.Length)
        {
            // Each update carries one word and the space before the next one, so the concatenation is the whole text.
            var space = text.IndexOf(' ', start);
            var end = space < 0 ? text.Length : space + 1;
            if (!first && _options.WordDelay > TimeSpan.Zero)
            {
                await Task.Delay(_options.WordDelay, _time, cancellationToken).ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            yield return new ChatResponseUpdate(ChatRole.Assistant, text[start..end])
            {
                ModelId = ModelId,
                ResponseId = responseId,
                MessageId = responseId,
                CreatedAt = created,
            };
            first = false;
            start = end;
        }

        yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(usage)])
        {
            ModelId = ModelId,
            ResponseId = responseId,
            MessageId = responseId,
            CreatedAt = created,
            FinishReason = ChatFinishReason.Stop,
        };
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    /// <summary>The answer and its usage for <paramref name="messages"/>.</summary>
    internal static (string Text, UsageDetails Usage) Compose(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var promptChars = 0;
        string? lastUser = null;
        foreach (var message in messages)
        {
            var text = message.Text ?? string.Empty;
            promptChars += text.Length + 4;
            if (message.Role == ChatRole.User)
            {
                lastUser = text;
            }
        }

        var said = Shorten(lastUser);
        string answer;
        if (options?.ResponseFormat is ChatResponseFormatJson)
        {
            answer = JsonSerializer.Serialize(
                new DemoJsonAnswer(true, ModelId, said, Advice),
                DemoJsonContext.Default.DemoJsonAnswer);
        }
        else
        {
            answer = said.Length == 0
                ? $"{Label} You sent no text. {Advice}"
                : $"{Label} You said: \"{said}\". {Advice}";
        }

        var words = CountWords(answer);
        var input = Math.Max(1, (promptChars + 3) / 4);
        var output = (long)Math.Ceiling(words * 1.3);
        if (options?.MaxOutputTokens is { } max && max > 0 && output > max)
        {
            output = max;
        }

        return (answer, new UsageDetails
        {
            InputTokenCount = input,
            OutputTokenCount = output,
            TotalTokenCount = input + output,
            CachedInputTokenCount = 0,
            ReasoningTokenCount = 0,
        });
    }

    private static string Shorten(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(Math.Min(text.Length, MaxEcho + 3));
        var lastWasSpace = false;
        foreach (var c in text.AsSpan().Trim())
        {
            if (builder.Length >= MaxEcho)
            {
                builder.Append("...");
                break;
            }

            var space = char.IsWhiteSpace(c);
            if (space && lastWasSpace)
            {
                continue;
            }

            builder.Append(space ? ' ' : c);
            lastWasSpace = space;
        }

        return builder.ToString();
    }

    private static int CountWords(string text)
    {
        var words = 0;
        var inWord = false;
        foreach (var c in text)
        {
            if (c == ' ')
            {
                inWord = false;
            }
            else if (!inWord)
            {
                inWord = true;
                words++;
            }
        }

        return words;
    }
}
