using Foundation.Hosting.Correlation;
using Foundation.Hosting.Errors;
using Foundation.Hosting.Health;
using Foundation.Hosting.Logging;
using Foundation.Hosting.RateLimiting;
using Foundation.Hosting.SecurityHeaders;
using Foundation.Hosting.Telemetry;

namespace Foundation.Hosting;

/// <summary>The HTTP host layer, bound from <c>Foundation:Hosting</c>.</summary>
public sealed class HostingOptions
{
    /// <summary>The configuration section: <c>Foundation:Hosting</c>.</summary>
    public const string SectionName = "Foundation:Hosting";

    /// <summary>Security response headers (<c>Foundation:Hosting:SecurityHeaders</c>).</summary>
    public SecurityHeadersOptions SecurityHeaders { get; set; } = new();

    /// <summary>Request correlation (<c>Foundation:Hosting:RequestId</c>).</summary>
    public RequestIdOptions RequestId { get; set; } = new();

    /// <summary>Client addresses behind proxies (<c>Foundation:Hosting:ForwardedHeaders</c>).</summary>
    public ForwardedHeadersSettings ForwardedHeaders { get; set; } = new();

    /// <summary>Partitioned rate limits (<c>Foundation:Hosting:RateLimiting</c>).</summary>
    public RateLimitingOptions RateLimiting { get; set; } = new();

    /// <summary>Cross-origin requests (<c>Foundation:Hosting:Cors</c>); nothing is allowed by default.</summary>
    public CorsSettings Cors { get; set; } = new();

    /// <summary>
    /// Redirect HTTP to HTTPS. <see langword="null"/> (default) means: on outside Development.
    /// </summary>
    public bool? HttpsRedirection { get; set; }

    /// <summary>Error answers (<c>Foundation:Hosting:Errors</c>).</summary>
    public ErrorOptions Errors { get; set; } = new();

    /// <summary>Health endpoints (<c>Foundation:Hosting:Health</c>).</summary>
    public HealthOptions Health { get; set; } = new();

    /// <summary>Log output (<c>Foundation:Hosting:Logging</c>).</summary>
    public LoggingSettings Logging { get; set; } = new();

    /// <summary>OpenTelemetry OTLP export (<c>Foundation:Hosting:OpenTelemetry</c>); off by default.</summary>
    public OpenTelemetrySettings OpenTelemetry { get; set; } = new();
}
