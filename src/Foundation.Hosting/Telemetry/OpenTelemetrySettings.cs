namespace Foundation.Hosting.Telemetry;

/// <summary>
/// OpenTelemetry OTLP export of Foundation's meters and activities (and ASP.NET Core's), bound from
/// <c>Foundation:Hosting:OpenTelemetry</c>. Off by default.
/// </summary>
public sealed class OpenTelemetrySettings
{
    /// <summary>Whether to export. Default <see langword="false"/>.</summary>
    public bool Enabled { get; set; }

    /// <summary>The collector's OTLP endpoint. Default <c>http://localhost:4317</c> (gRPC).</summary>
    public Uri Endpoint { get; set; } = new("http://localhost:4317");

    /// <summary><c>Grpc</c> (default) or <c>HttpProtobuf</c>. With HttpProtobuf the endpoint is the base URL (<c>/v1/metrics</c>, <c>/v1/traces</c> are appended).</summary>
    public string Protocol { get; set; } = "Grpc";

    /// <summary>Extra headers, such as <c>api-key=secret</c>, comma separated (as OTEL_EXPORTER_OTLP_HEADERS).</summary>
    public string? Headers { get; set; }

    /// <summary>The <c>service.name</c> resource attribute. Default: the application name.</summary>
    public string? ServiceName { get; set; }

    /// <summary>How often metrics are exported, in milliseconds. Default 60000.</summary>
    public int MetricExportIntervalMilliseconds { get; set; } = 60_000;

    /// <summary>Export traces (activities). Default <see langword="true"/>.</summary>
    public bool Traces { get; set; } = true;

    /// <summary>Export metrics. Default <see langword="true"/>.</summary>
    public bool Metrics { get; set; } = true;

    /// <summary>Meters exported besides <c>Foundation.*</c>, ASP.NET Core's, Kestrel's and the runtime's.</summary>
    public List<string> AdditionalMeters { get; set; } = [];

    /// <summary>Activity sources exported besides <c>Foundation.*</c> and ASP.NET Core's.</summary>
    public List<string> AdditionalSources { get; set; } = [];
}
