using Foundation.Costing.Budgets;
using Foundation.Costing.Pricing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Foundation.Costing.Internal;

/// <summary>Returns expired reservations (calls that crashed) every <see cref="BudgetOptions.ReclaimIntervalSeconds"/>.</summary>
internal sealed partial class ReservationReclaimerService : BackgroundService
{
    private readonly BudgetEnforcer _enforcer;
    private readonly IOptionsMonitor<CostingOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ReservationReclaimerService(BudgetEnforcer enforcer, IOptionsMonitor<CostingOptions> options, TimeProvider time, ILogger<ReservationReclaimerService> logger)
    {
        _enforcer = enforcer;
        _options = options;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(_options.CurrentValue.Budgets.ReclaimIntervalSeconds), _time, stoppingToken).ConfigureAwait(false);
                var reclaimed = await _enforcer.ReclaimExpiredAsync(stoppingToken).ConfigureAwait(false);
                var leases = await _enforcer.ReclaimExpiredLeasesAsync(stoppingToken).ConfigureAwait(false);
                if (leases > 0)
                {
                    LogLeasesReclaimed(_logger, leases);
                }

                if (reclaimed > 0)
                {
                    LogReclaimed(_logger, reclaimed);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // keep reclaiming after a database hiccup
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogFailed(_logger, ex);
            }
        }
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Reclaimed {Count} expired budget reservations (their calls never settled).")]
    private static partial void LogReclaimed(ILogger logger, int count);

    [LoggerMessage(EventId = 41, Level = LogLevel.Error, Message = "Reclaiming expired budget reservations failed; retrying at the next interval.")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 43, Level = LogLevel.Warning, Message = "Reclaimed {Count} expired budget leases (their instances stopped renewing them: crashed or cut off from the database).")]
    private static partial void LogLeasesReclaimed(ILogger logger, int count);
}

/// <summary>
/// Writes the spend settled against budget leases every <see cref="BudgetLeaseOptions.FlushIntervalMilliseconds"/>, renews the leases and
/// returns idle slices; at a graceful shutdown writes everything and returns every slice (decision 0012).
/// </summary>
internal sealed partial class BudgetLeaseFlushService : BackgroundService
{
    private readonly BudgetEnforcer _enforcer;
    private readonly IOptionsMonitor<CostingOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public BudgetLeaseFlushService(BudgetEnforcer enforcer, IOptionsMonitor<CostingOptions> options, TimeProvider time, ILogger<BudgetLeaseFlushService> logger)
    {
        _enforcer = enforcer;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(_options.CurrentValue.Ledger.ShutdownFlushSeconds), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            // A refill still running would otherwise take a slice after the last flush returned them all.
            await _enforcer.Leases.WhenRefillsDoneAsync().WaitAsync(linked.Token).ConfigureAwait(false);
            var failed = await _enforcer.Leases.FlushAllAsync(returnAll: true, linked.Token).ConfigureAwait(false);
            if (failed > 0)
            {
                LogShutdownIncomplete(_logger, failed);
            }
        }
        catch (OperationCanceledException)
        {
            LogShutdownIncomplete(_logger, -1);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(_options.CurrentValue.Budgets.Leases.FlushIntervalMilliseconds), _time, stoppingToken).ConfigureAwait(false);
                await _enforcer.Leases.FlushAllAsync(returnAll: false, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // keep flushing after a database hiccup; the spend stays in memory until written
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogFailed(_logger, ex);
            }
        }
    }

    [LoggerMessage(EventId = 44, Level = LogLevel.Error, Message = "Writing budget lease spend failed; retrying at the next interval.")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 45, Level = LogLevel.Error, Message = "Shutdown could not write every budget lease ({Failed} accounts failed, -1: timed out); unwritten spend is lost and the leases are reclaimed when they expire.")]
    private static partial void LogShutdownIncomplete(ILogger logger, int failed);
}

/// <summary>Loads the database prices at start and every <see cref="CostingOptions.PriceRefreshSeconds"/> (changes made on other instances).</summary>
internal sealed partial class PriceRefreshService : BackgroundService
{
    private readonly IServiceScopeFactory _scopes;
    private readonly IOptionsMonitor<CostingOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public PriceRefreshService(IServiceScopeFactory scopes, IOptionsMonitor<CostingOptions> options, TimeProvider time, ILogger<PriceRefreshService> logger)
    {
        _scopes = scopes;
        _options = options;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var scope = _scopes.CreateAsyncScope();
                await using (scope.ConfigureAwait(false))
                {
                    await scope.ServiceProvider.GetRequiredService<PriceCatalogService>().RefreshAsync(stoppingToken).ConfigureAwait(false);
                }

                await Task.Delay(TimeSpan.FromSeconds(_options.CurrentValue.PriceRefreshSeconds), _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // keep the last prices and try again
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogFailed(_logger, ex);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(_options.CurrentValue.PriceRefreshSeconds), _time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(EventId = 42, Level = LogLevel.Warning, Message = "Reading the database prices failed; the last known prices stay in use.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
