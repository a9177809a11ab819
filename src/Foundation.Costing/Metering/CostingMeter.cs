using Foundation.Callers;
using Foundation.Costing.Budgets;
using Foundation.Costing.Diagnostics;
using Foundation.Costing.Pricing;
using Foundation.Pricing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Foundation.Costing.Metering;

/// <summary>What every <see cref="CostingChatClient"/> shares: prices, budgets, the record sink, telemetry and the clock.</summary>
internal sealed partial class CostingMeter
{
    private readonly IModelPriceProvider _prices;
    private readonly IUsageRecordSink _sink;
    private readonly BudgetEnforcer? _budgets;
    private readonly CostingTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<CostingOptions> _options;
    private readonly ILogger _logger;

    public CostingMeter(IModelPriceProvider prices, IUsageRecordSink sink, BudgetEnforcer? budgets, CostingTelemetry telemetry, TimeProvider time,
        IOptionsMonitor<CostingOptions> options, ILogger<CostingMeter> logger)
    {
        _prices = prices;
        _sink = sink;
        _budgets = budgets;
        _telemetry = telemetry;
        _time = time;
        _options = options;
        _logger = logger;
    }

    public static TokenUsage Estimate(long promptChars, long outputChars) =>
        new((promptChars + 3) / 4, 0, 0, 0, (outputChars + 3) / 4, 0, isEstimated: true);

    public MeteredCall Begin(ICurrentCaller caller, IChatClient inner, IReadOnlyCollection<ChatMessage> messages, ChatOptions? options, bool streaming)
    {
        var metadata = inner.GetService(typeof(ChatClientMetadata)) as ChatClientMetadata;
        long promptChars = options?.Instructions?.Length ?? 0;
        foreach (var m in messages)
        {
            promptChars += m.Text.Length;
        }

        return new MeteredCall
        {
            TenantId = caller.TenantId ?? "",
            UserId = caller.UserId,
            ApiKeyId = caller.ApiKeyId,
            TeamId = caller.TeamId,
            Roles = [.. caller.Roles],
            RequestId = caller.RequestId,
            Provider = ModelNames.NormalizeProvider(metadata?.ProviderName ?? "unknown"),
            Model = options?.ModelId ?? metadata?.DefaultModelId ?? "unknown",
            PromptChars = promptChars,
            MaxOutputTokens = options?.MaxOutputTokens ?? _options.CurrentValue.DefaultMaxOutputTokens,
            Streaming = streaming,
            Started = _time.GetTimestamp(),
            Time = _time,
        };
    }

    public async Task ReserveAsync(MeteredCall call, CancellationToken cancellationToken)
    {
        if (_budgets is null || !_options.CurrentValue.Budgets.Enabled)
        {
            return;
        }

        var inputTokens = (call.PromptChars + 3) / 4;
        var cost = _prices.TryGetPrice(call.TenantId, call.Provider, call.Model, _time.GetUtcNow(), out var price)
            ? CostCalculator.WorstCase(price, inputTokens, call.MaxOutputTokens)
            : 0m;
        var demand = new BudgetDemand(call.TenantId, call.UserId, call.TeamId, call.ApiKeyId, call.Roles, cost, inputTokens + call.MaxOutputTokens, call.RequestId);
        try
        {
            call.Reservation = await _budgets.ReserveAsync(demand, cancellationToken).ConfigureAwait(false);
        }
        catch (BudgetExceededException ex)
        {
            await CompleteAsync(call, default, UsageStatus.Error, ex.GetType().Name).ConfigureAwait(false);
            throw;
        }
    }

    public Task FailAsync(MeteredCall call, Exception exception) =>
        CompleteAsync(call, default, exception is OperationCanceledException ? UsageStatus.Cancelled : UsageStatus.Error, exception.GetType().Name);

    public async Task CompleteAsync(MeteredCall call, TokenUsage usage, UsageStatus status, string? errorType)
    {
        if (call.Completed)
        {
            return;
        }

        call.Completed = true;
        var latency = _time.GetElapsedTime(call.Started);
        var now = _time.GetUtcNow();
        decimal? cost = null;
        if (_prices.TryGetPrice(call.TenantId, call.Provider, call.Model, now, out var price))
        {
            cost = CostCalculator.Compute(price, usage);
        }
        else if (usage.TotalTokens > 0)
        {
            _telemetry.RecordUnpriced(call.Provider, call.Model);
        }

        if (call.Reservation is { IsEmpty: false } reservation)
        {
            try
            {
                await _budgets!.SettleAsync(reservation, cost ?? 0m, usage.TotalTokens, CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // the call succeeded; a settlement failure is logged and the reservation expires
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogSettleFailed(_logger, ex, reservation.Id);
            }
        }

        if (cost is { } c && c > 0)
        {
            _telemetry.RecordCost(call.Provider, call.Model, c);
        }

        _telemetry.RecordTokens(call.Provider, call.Model, "input", usage.UncachedInputTokens);
        _telemetry.RecordTokens(call.Provider, call.Model, "cached_input", usage.CachedInputTokens);
        _telemetry.RecordTokens(call.Provider, call.Model, "cache_write", usage.CacheWriteInputTokens);
        _telemetry.RecordTokens(call.Provider, call.Model, "output", usage.OutputTokens - usage.ReasoningTokens);
        _telemetry.RecordTokens(call.Provider, call.Model, "reasoning", usage.ReasoningTokens);

        _sink.TryRecord(new UsageRecord
        {
            Id = Guid.CreateVersion7(),
            OccurredAt = now,
            TenantId = call.TenantId,
            UserId = call.UserId,
            ApiKeyId = call.ApiKeyId,
            TeamId = call.TeamId,
            Roles = call.Roles,
            Provider = call.Provider,
            Model = call.Model,
            Deployment = call.Deployment,
            Usage = usage,
            Cost = cost,
            Latency = latency,
            TimeToFirstToken = call.FirstToken is { } ft ? _time.GetElapsedTime(call.Started, ft) : null,
            Status = status,
            ErrorType = errorType,
            RequestId = call.RequestId,
            Streaming = call.Streaming,
        });
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Error, Message = "Settling budget reservation {ReservationId} failed; it will be reclaimed when it expires.")]
    private static partial void LogSettleFailed(ILogger logger, Exception exception, Guid reservationId);
}
