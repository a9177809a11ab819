using System.Globalization;
using Foundation.Auditing;
using Microsoft.Extensions.Logging;

namespace Foundation.Costing.Budgets;

/// <summary>Sends budget events to the audit writer and to every <see cref="IBudgetEventHandler"/>; a failing handler is logged, never thrown.</summary>
internal sealed partial class BudgetEventPublisher
{
    private readonly IAuditEventWriter _audit;
    private readonly IEnumerable<IBudgetEventHandler> _handlers;
    private readonly ILogger _logger;

    public BudgetEventPublisher(IAuditEventWriter audit, IEnumerable<IBudgetEventHandler> handlers, ILogger<BudgetEventPublisher> logger)
    {
        _audit = audit;
        _handlers = handlers;
        _logger = logger;
    }

    public async Task PublishAsync(BudgetEvent e, bool toHandlers, string? requestId)
    {
        try
        {
            await _audit.WriteAsync(new AuditEvent(
                e.Kind == BudgetEventKind.ThresholdReached ? "costing.budget.threshold" : "costing.budget.refused",
                e.Kind == BudgetEventKind.ThresholdReached ? AuditOutcome.Success : AuditOutcome.Denied)
            {
                OccurredAt = e.OccurredAt,
                ActorUserId = e.UserId,
                TenantId = e.TenantId,
                TargetType = "budget",
                TargetId = e.BudgetId.ToString(),
                RequestId = requestId,
                Data = new Dictionary<string, string?>(StringComparer.Ordinal)
                {
                    ["name"] = e.BudgetName,
                    ["scope"] = e.Scope.ToString().ToLowerInvariant(),
                    ["threshold"] = e.ThresholdPercent?.ToString(CultureInfo.InvariantCulture),
                    ["spentUsd"] = e.SpentUsd.ToString(CultureInfo.InvariantCulture),
                    ["limitUsd"] = e.LimitUsd?.ToString(CultureInfo.InvariantCulture),
                    ["spentTokens"] = e.SpentTokens.ToString(CultureInfo.InvariantCulture),
                    ["limitTokens"] = e.LimitTokens?.ToString(CultureInfo.InvariantCulture),
                    ["resetsAt"] = e.ResetsAt.ToString("O", CultureInfo.InvariantCulture),
                },
            }, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // an audit failure must not fail the LLM call
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogHandlerFailed(_logger, ex, "audit", e.BudgetId);
        }

        if (!toHandlers)
        {
            return;
        }

        foreach (var handler in _handlers)
        {
            try
            {
                await handler.HandleAsync(e, CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // a host's hook must not fail the LLM call
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogHandlerFailed(_logger, ex, handler.GetType().Name, e.BudgetId);
            }
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Budget event handler {Handler} failed for budget {BudgetId}.")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string handler, Guid budgetId);
}
