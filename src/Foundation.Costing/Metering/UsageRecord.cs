namespace Foundation.Costing.Metering;

/// <summary>How a metered call ended.</summary>
public enum UsageStatus
{
    /// <summary>The provider answered.</summary>
    Success = 0,

    /// <summary>The call threw (the provider failed, or a budget refused it after the reservation).</summary>
    Error = 1,

    /// <summary>The caller cancelled, or stopped reading a stream before its end.</summary>
    Cancelled = 2,
}

/// <summary>One metered LLM call: who, which model, how many tokens, what it cost, how long it took and how it ended.</summary>
public sealed record UsageRecord
{
    /// <summary>Id (version 7 GUID).</summary>
    public Guid Id { get; init; }

    /// <summary>When the call ended.</summary>
    public DateTimeOffset OccurredAt { get; init; }

    /// <summary>The caller's tenant; the empty string when none.</summary>
    public string TenantId { get; init; } = "";

    /// <summary>The caller.</summary>
    public string? UserId { get; init; }

    /// <summary>The API key id the caller used.</summary>
    public string? ApiKeyId { get; init; }

    /// <summary>The caller's team.</summary>
    public string? TeamId { get; init; }

    /// <summary>The caller's roles.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>The provider (<c>ChatClientMetadata.ProviderName</c>, or <c>foundation.provider</c> set by a router).</summary>
    public string Provider { get; init; } = "unknown";

    /// <summary>The model (<c>ChatResponse.ModelId</c>, else <c>ChatOptions.ModelId</c>, else the client's default).</summary>
    public string Model { get; init; } = "unknown";

    /// <summary>The deployment a router chose (<c>foundation.deployment</c>), if any.</summary>
    public string? Deployment { get; init; }

    /// <summary>The tokens.</summary>
    public Pricing.TokenUsage Usage { get; init; }

    /// <summary>The cost in USD; <see langword="null"/> when the model is unpriced (never $0 for "unknown").</summary>
    public decimal? Cost { get; init; }

    /// <summary>From the call to its end (the last chunk of a stream).</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>For streams: from the call to the first chunk.</summary>
    public TimeSpan? TimeToFirstToken { get; init; }

    /// <summary>How it ended.</summary>
    public UsageStatus Status { get; init; }

    /// <summary>The exception type when it failed.</summary>
    public string? ErrorType { get; init; }

    /// <summary>The request id (correlation).</summary>
    public string? RequestId { get; init; }

    /// <summary>Whether the call was streamed.</summary>
    public bool Streaming { get; init; }

    /// <summary>Whether the token counts are estimates (the provider reported none).</summary>
    public bool IsEstimated => Usage.IsEstimated;
}
