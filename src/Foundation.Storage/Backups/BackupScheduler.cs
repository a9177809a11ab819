using Cronos;
using Foundation.Storage.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Foundation.Storage.Backups;

/// <summary>
/// Runs a backup, then retention, at every occurrence of <c>Foundation:Storage:Backups:Schedule</c> (UTC) when
/// <c>Foundation:Storage:Backups:Enabled</c> is true. Waits on the host's <see cref="TimeProvider"/>. A failed run is logged and counted
/// (<c>foundation.storage.backups</c>, outcome failure) and the next occurrence runs as planned.
/// </summary>
internal sealed partial class BackupScheduler(
    IServiceProvider services,
    IOptions<StorageOptions> options,
    TimeProvider time,
    StorageTelemetry telemetry,
    ILogger<BackupScheduler> logger) : BackgroundService
{
    /// <summary>Raised after each scheduled run (the manifest, or null when it failed); tests wait on it.</summary>
    internal Action<BackupManifest?>? RunCompleted { get; set; }

    /// <summary>Raised when the scheduler starts waiting for the next occurrence (given); tests advance their clock after it.</summary>
    internal Action<DateTimeOffset>? Waiting { get; set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Backups;
        if (!settings.Enabled)
        {
            return;
        }

        // Resolved only when enabled: a host that uses Storage without backups has no backup target configured, and must still start.
        var backups = services.GetRequiredService<BackupService>();
        var schedule = CronExpression.Parse(settings.Schedule, CronFormat.Standard);
        try
        {
            // After a restart the metric starts from the newest backup already stored, not from nothing.
            if (await backups.ListAsync(stoppingToken).ConfigureAwait(false) is [var newest, ..])
            {
                telemetry.LastBackupSuccess = newest.CreatedAt;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogListFailed(logger, e);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            if (schedule.GetNextOccurrence(now, TimeZoneInfo.Utc) is not { } next)
            {
                return;
            }

            var delay = Task.Delay(next - now, time, stoppingToken);
            Waiting?.Invoke(next);
            await delay.ConfigureAwait(false);
            BackupManifest? manifest = null;
            try
            {
                manifest = await backups.BackupAsync(stoppingToken).ConfigureAwait(false);
                var deleted = await backups.ApplyRetentionAsync(stoppingToken).ConfigureAwait(false);
                LogRetention(logger, deleted.Count);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }

            RunCompleted?.Invoke(manifest);
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "Scheduled backup failed; the next occurrence runs as planned")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Backup retention deleted {Count} backups")]
    private static partial void LogRetention(ILogger logger, int count);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Could not list the stored backups at start")]
    private static partial void LogListFailed(ILogger logger, Exception exception);
}
