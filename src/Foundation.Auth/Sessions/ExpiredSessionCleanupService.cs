using Foundation.Auth.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.Sessions;

/// <summary>
/// Deletes sessions (and their refresh tokens) that expired or were revoked more than
/// <see cref="SessionOptions.RetentionDays"/> ago, every <see cref="SessionOptions.CleanupIntervalMinutes"/>.
/// The first purge runs one interval after start. Idle when no store is configured.
/// </summary>
public sealed partial class ExpiredSessionCleanupService : BackgroundService
{
    private readonly IServiceScopeFactory _scopeFactory;
    private readonly TimeProvider _timeProvider;
    private readonly IOptions<AuthOptions> _options;
    private readonly ILogger<ExpiredSessionCleanupService> _logger;

    /// <summary>Creates the service.</summary>
    public ExpiredSessionCleanupService(IServiceScopeFactory scopeFactory, TimeProvider timeProvider, IOptions<AuthOptions> options, ILogger<ExpiredSessionCleanupService> logger)
    {
        ArgumentNullException.ThrowIfNull(scopeFactory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _scopeFactory = scopeFactory;
        _timeProvider = timeProvider;
        _options = options;
        _logger = logger;
    }

    /// <summary>Deletes the sessions past retention now, with their refresh tokens, in one transaction.</summary>
    /// <returns>How many sessions were deleted.</returns>
    public async Task<int> PurgeAsync(CancellationToken cancellationToken = default)
    {
        var cutoff = _timeProvider.GetUtcNow().AddDays(-Math.Max(0, _options.Value.Sessions.RetentionDays));
        var scope = _scopeFactory.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var db = AuthStoreServices.GetDbContext(scope.ServiceProvider);
            var strategy = db.Database.CreateExecutionStrategy();
            return await strategy.ExecuteAsync(async ct =>
            {
                var transaction = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    var expired = db.Sessions.Where(s => s.ExpiresAt < cutoff || (s.RevokedAt != null && s.RevokedAt < cutoff));

                    // Explicitly, rather than trusting ON DELETE CASCADE (SQLite enforces it only with foreign keys on).
                    await db.RefreshTokens.Where(t => expired.Any(s => s.Id == t.SessionId)).ExecuteDeleteAsync(ct).ConfigureAwait(false);
                    var deleted = await expired.ExecuteDeleteAsync(ct).ConfigureAwait(false);
                    await transaction.CommitAsync(ct).ConfigureAwait(false);
                    return deleted;
                }
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        bool hasStore;
        using (var scope = _scopeFactory.CreateScope())
        {
            hasStore = AuthStoreServices.HasStore(scope.ServiceProvider);
        }

        if (!hasStore)
        {
            LogNoStore(_logger);
            return;
        }

        var interval = TimeSpan.FromMinutes(Math.Max(1, _options.Value.Sessions.CleanupIntervalMinutes));
        using var timer = new PeriodicTimer(interval, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    var deleted = await PurgeAsync(stoppingToken).ConfigureAwait(false);
                    LogPurged(_logger, deleted);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Removed {Count} expired or revoked sessions past retention")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Removing expired sessions failed; retrying at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "No Auth store is configured; expired sessions are not cleaned up")]
    private static partial void LogNoStore(ILogger logger);
}
