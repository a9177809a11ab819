using System.Data.Common;
using System.Diagnostics;
using Foundation.Hosting.Data;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Foundation.Hosting.Health;

/// <summary>The tags that put a check on an endpoint.</summary>
public static class HealthTags
{
    /// <summary>Checks of <c>/health/live</c>.</summary>
    public const string Live = "live";

    /// <summary>Checks of <c>/health/ready</c>.</summary>
    public const string Ready = "ready";
}

/// <summary>The database answers <c>SELECT 1</c> within the timeout.</summary>
internal sealed class DatabaseHealthCheck(IOptions<FoundationOptions> foundation, IOptions<HostingOptions> hosting, SqliteDatabaseFile sqliteFile) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var database = foundation.Value.Database;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(hosting.Value.Health.DatabaseTimeoutSeconds));
        var data = new Dictionary<string, object>(StringComparer.Ordinal) { ["provider"] = database.Provider.ToString() };
        try
        {
            if (database.Provider == DatabaseProvider.Sqlite)
            {
                sqliteFile.Prepare(database.ConnectionString);
            }

            var connection = CreateConnection(database);
            await using var connectionScope = connection.ConfigureAwait(false);
            await connection.OpenAsync(timeout.Token).ConfigureAwait(false);
            var command = connection.CreateCommand();
            await using var commandScope = command.ConfigureAwait(false);
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"{database.Provider} database reachable", data);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{database.Provider} database did not answer within {hosting.Value.Health.DatabaseTimeoutSeconds} s", data: data);
        }
        catch (DbException ex)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"{database.Provider} database unreachable: {ex.Message}", data: data);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or System.Net.Sockets.SocketException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"{database.Provider} database unreachable: {ex.Message}", data: data);
        }
    }

    internal static DbConnection CreateConnection(DatabaseOptions database) => database.Provider switch
    {
        DatabaseProvider.PostgreSql => new NpgsqlConnection(database.ConnectionString),
        _ => new SqliteConnection(database.ConnectionString),
    };
}

/// <summary>The data directory's volume has at least the configured free space.</summary>
internal sealed class DiskSpaceHealthCheck(FoundationPaths paths, IOptions<HostingOptions> hosting) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var minimum = hosting.Value.Health.MinimumFreeDiskMegabytes;
        var drive = new DriveInfo(paths.DataDirectory);
        var freeMb = drive.AvailableFreeSpace / (1024 * 1024);
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["freeMegabytes"] = freeMb,
            ["minimumMegabytes"] = minimum,
        };
        return Task.FromResult(freeMb >= minimum
            ? HealthCheckResult.Healthy($"{freeMb} MB free", data)
            : new HealthCheckResult(context.Registration.FailureStatus, $"{freeMb} MB free, below the minimum of {minimum} MB", data: data));
    }
}

/// <summary>The process's working set is below the configured ceiling.</summary>
internal sealed class WorkingSetHealthCheck(IOptions<HostingOptions> hosting) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var maximum = hosting.Value.Health.MaximumWorkingSetMegabytes;
        using var process = Process.GetCurrentProcess();
        var usedMb = process.WorkingSet64 / (1024 * 1024);
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["workingSetMegabytes"] = usedMb,
            ["maximumMegabytes"] = maximum,
        };
        return Task.FromResult(usedMb <= maximum
            ? HealthCheckResult.Healthy($"{usedMb} MB working set", data)
            : new HealthCheckResult(context.Registration.FailureStatus, $"{usedMb} MB working set, above the maximum of {maximum} MB", data: data));
    }
}
