using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Foundation.Hosting.Telemetry;

/// <summary>
/// Builds the OpenTelemetry meter and tracer providers when the host starts and flushes and disposes them when
/// it stops (OpenTelemetry.Extensions.Hosting is not used: it is not obtainable on every feed).
/// </summary>
internal sealed class OpenTelemetryExportService(IOptions<HostingOptions> options, IHostEnvironment environment) : IHostedService, IDisposable
{
    internal static readonly string[] DefaultMeters =
    [
        "Foundation", "Foundation.*", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Routing", "Microsoft.AspNetCore.RateLimiting", "System.Runtime",
    ];

    internal static readonly string[] DefaultSources = ["Foundation", "Foundation.*", "Microsoft.AspNetCore"];

    private MeterProvider? _meters;
    private TracerProvider? _tracer;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value.OpenTelemetry;
        if (!settings.Enabled)
        {
            return Task.CompletedTask;
        }

        var resource = ResourceBuilder.CreateDefault()
            .AddService(settings.ServiceName ?? environment.ApplicationName)
            .AddAttributes([new("deployment.environment.name", environment.EnvironmentName)]);
        var protocol = string.Equals(settings.Protocol, "HttpProtobuf", StringComparison.OrdinalIgnoreCase)
            ? OtlpExportProtocol.HttpProtobuf
            : OtlpExportProtocol.Grpc;

        if (settings.Metrics)
        {
            _meters = Sdk.CreateMeterProviderBuilder()
                .SetResourceBuilder(resource)
                .AddMeter([.. DefaultMeters, .. settings.AdditionalMeters])
                .AddOtlpExporter((exporter, reader) =>
                {
                    Configure(exporter, settings, protocol, "v1/metrics");
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = settings.MetricExportIntervalMilliseconds;
                })
                .Build();
        }

        if (settings.Traces)
        {
            _tracer = Sdk.CreateTracerProviderBuilder()
                .SetResourceBuilder(resource)
                .AddSource([.. DefaultSources, .. settings.AdditionalSources])
                .AddOtlpExporter(exporter => Configure(exporter, settings, protocol, "v1/traces"))
                .Build();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _meters?.ForceFlush(5_000);
        _tracer?.ForceFlush(5_000);
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _meters?.Dispose();
        _meters = null;
        _tracer?.Dispose();
        _tracer = null;
    }

    private static void Configure(OtlpExporterOptions exporter, OpenTelemetrySettings settings, OtlpExportProtocol protocol, string signalPath)
    {
        exporter.Protocol = protocol;
        exporter.Endpoint = protocol == OtlpExportProtocol.HttpProtobuf
            ? new Uri(settings.Endpoint, settings.Endpoint.AbsolutePath.TrimEnd('/') + "/" + signalPath)
            : settings.Endpoint;
        if (!string.IsNullOrWhiteSpace(settings.Headers))
        {
            exporter.Headers = settings.Headers;
        }
    }
}
