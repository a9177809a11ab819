namespace Foundation.Hosting.Metrics;

/// <summary>The Prometheus <c>/metrics</c> endpoint, bound from <c>Foundation:Hosting:Metrics</c>.</summary>
public sealed class MetricsOptions
{
    /// <summary>Whether <c>/metrics</c> is served. Default <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The path the exposition is served at. Default <c>/metrics</c>.</summary>
    public string Path { get; set; } = "/metrics";
}
