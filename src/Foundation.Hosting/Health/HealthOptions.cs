namespace Foundation.Hosting.Health;

/// <summary>Health endpoints and thresholds, bound from <c>Foundation:Hosting:Health</c>.</summary>
public sealed class HealthOptions
{
    /// <summary>Liveness: the process answers. Default <c>/health/live</c>.</summary>
    public string LivePath { get; set; } = "/health/live";

    /// <summary>Readiness: database, disk and memory. Default <c>/health/ready</c>.</summary>
    public string ReadyPath { get; set; } = "/health/ready";

    /// <summary>Unhealthy when the data directory's volume has less free space than this. Default 256 MB.</summary>
    public long MinimumFreeDiskMegabytes { get; set; } = 256;

    /// <summary>Unhealthy when the process's working set exceeds this. Default 4096 MB.</summary>
    public long MaximumWorkingSetMegabytes { get; set; } = 4096;

    /// <summary>How long the database check may take before it fails. Default 5 seconds.</summary>
    public int DatabaseTimeoutSeconds { get; set; } = 5;
}
