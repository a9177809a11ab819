using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Foundation.Auditing;
using Foundation.Callers;
using Foundation.Costing.Budgets;
using Microsoft.Extensions.AI;

namespace Foundation.Costing.Tests.Infrastructure;

/// <summary>Where the tests' <see cref="FakeTimeProvider"/> clocks start unless a test says otherwise.</summary>
public static class TestClock
{
    public static readonly DateTimeOffset Start = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A clock the test moves, at <see cref="Start"/>.</summary>
    public static FakeTimeProvider Create() => new(Start);
}

public sealed class RecordingAuditEventWriter : IAuditEventWriter
{
    public ConcurrentQueue<AuditEvent> Events { get; } = new();

    public ValueTask WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        Events.Enqueue(auditEvent);
        return ValueTask.CompletedTask;
    }
}

public sealed class RecordingBudgetHook : IBudgetEventHandler
{
    public ConcurrentQueue<BudgetEvent> Events { get; } = new();

    public ValueTask HandleAsync(BudgetEvent budgetEvent, CancellationToken cancellationToken)
    {
        Events.Enqueue(budgetEvent);
        return ValueTask.CompletedTask;
    }
}

/// <summary>A caller whose fields the test sets.</summary>
public sealed class TestCaller : ICurrentCaller
{
    public string? UserId { get; set; }

    public string? TenantId { get; set; }

    public IReadOnlyList<string> Roles { get; set; } = [];

    public string? RequestId { get; set; }

    public string? ApiKeyId { get; set; }

    public string? TeamId { get; set; }
}

/// <summary>
/// An inner chat client with a fixed provider and model, answering with the usage the test chooses (or none), optionally streaming,
/// failing, or waiting. Counts its calls, so a test can prove a refused call never reached it.
/// </summary>
public sealed class FakeChatClient : IChatClient
{
    private int _calls;

    public string Provider { get; init; } = "openai";

    public string Model { get; init; } = "gpt-4o-mini";

    public Func<IReadOnlyCollection<ChatMessage>, ChatOptions?, UsageDetails?> Usage { get; init; } = (_, _) => new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5 };

    public string AnswerText { get; init; } = "Hello there!";

    public Exception? Throw { get; init; }

    public TimeSpan Delay { get; init; }

    public AdditionalPropertiesDictionary? ResponseProperties { get; init; }

    public string? ResponseModel { get; init; }

    public int Calls => Volatile.Read(ref _calls);

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, cancellationToken);
        }

        if (Throw is not null)
        {
            throw Throw;
        }

        var list = messages.ToList();
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, AnswerText))
        {
            ModelId = ResponseModel ?? options?.ModelId ?? Model,
            Usage = Usage(list, options),
            AdditionalProperties = ResponseProperties,
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        var list = messages.ToList();
        foreach (var word in AnswerText.Split(' '))
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, word + " ") { ModelId = ResponseModel ?? options?.ModelId ?? Model };
        }

        if (Throw is not null)
        {
            throw Throw;
        }

        if (Usage(list, options) is { } usage)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(usage)]) { AdditionalProperties = ResponseProperties };
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata(Provider, null, Model) : null;

    public void Dispose()
    {
    }
}
