using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Foundation.Hosting.Telemetry;

/// <summary>
/// Registers the OTLP export of <c>Foundation:Hosting:OpenTelemetry</c> through OpenTelemetry.Extensions.Hosting
/// (<c>services.AddOpenTelemetry().WithMetrics(...).WithTracing(...)</c>): its hosted service starts the meter and
/// tracer providers with the host, and the container flushes and disposes them when the host stops.
/// </summary>
/// <remarks>
/// Nothing is registered unless <c>Enabled</c> is <see langword="true"/> (and then only the signals whose switch is on),
/// so a host that does not ask for export gets no providers, no listeners and no exporter. The endpoint, protocol,
/// headers, export interval, service name and extra meters/sources are read from the validated
/// <see cref="HostingOptions"/> when the providers are built. A host that calls <c>AddOpenTelemetry()</c> itself shares
/// the same providers: its own instrumentation and exporters are added beside Foundation's.
/// </remarks>
internal static class OpenTelemetryRegistration
{
    /// <summary>Options name of the OTLP exporter (and metric reader) for metrics, kept apart from a host's own exporters.</summary>
    internal const string MetricsExporterName = "Foundation.Metrics";

    /// <summary>Options name of the OTLP exporter for traces.</summary>
    internal const string TracesExporterName = "Foundation.Traces";

    internal static readonly string[] DefaultMeters =
    [
        "Foundation", "Foundation.*", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Routing", "Microsoft.AspNetCore.RateLimiting", "System.Runtime",
    ];

    internal static readonly string[] DefaultSources = ["Foundation", "Foundation.*", "Microsoft.AspNetCore"];

    /// <summary>Adds the export when <c>OpenTelemetry:Enabled</c> of <paramref name="hostingSection"/> is true.</summary>
    public static void AddFoundationOpenTelemetry(IServiceCollection services, IConfiguration hostingSection)
    {
        var section = hostingSection.GetSection("OpenTelemetry");

        // The switches decide what is registered, so they are read now; a value that is not a boolean is left to
        // HostingOptions' strict binding, which fails the start naming the key.
        if (!IsOn(section[nameof(OpenTelemetrySettings.Enabled)], defaultValue: false))
        {
            return;
        }

        var metrics = IsOn(section[nameof(OpenTelemetrySettings.Metrics)], defaultValue: true);
        var traces = IsOn(section[nameof(OpenTelemetrySettings.Traces)], defaultValue: true);
        if (!metrics && !traces)
        {
            return;
        }

        var builder = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddDetector(sp => new FoundationResourceDetector(
                sp.GetRequiredService<IOptions<HostingOptions>>().Value.OpenTelemetry,
                sp.GetRequiredService<IHostEnvironment>())));

        if (metrics)
        {
            services.AddOptions<OtlpExporterOptions>(MetricsExporterName)
                .Configure<IOptions<HostingOptions>>((exporter, hosting) => Configure(exporter, hosting.Value.OpenTelemetry, "v1/metrics"));
            services.AddOptions<MetricReaderOptions>(MetricsExporterName)
                .Configure<IOptions<HostingOptions>>((reader, hosting) =>
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = hosting.Value.OpenTelemetry.MetricExportIntervalMilliseconds);
            services.ConfigureOpenTelemetryMeterProvider((sp, meters) =>
                meters.AddMeter([.. sp.GetRequiredService<IOptions<HostingOptions>>().Value.OpenTelemetry.AdditionalMeters]));
            builder.WithMetrics(meters => meters
                .AddMeter(DefaultMeters)
                .AddOtlpExporter(MetricsExporterName, configureExporterAndMetricReader: null));
        }

        if (traces)
        {
            services.AddOptions<OtlpExporterOptions>(TracesExporterName)
                .Configure<IOptions<HostingOptions>>((exporter, hosting) => Configure(exporter, hosting.Value.OpenTelemetry, "v1/traces"));
            services.ConfigureOpenTelemetryTracerProvider((sp, tracing) =>
                tracing.AddSource([.. sp.GetRequiredService<IOptions<HostingOptions>>().Value.OpenTelemetry.AdditionalSources]));
            builder.WithTracing(tracing => tracing
                .AddSource(DefaultSources)
                .AddOtlpExporter(TracesExporterName, configure: null));
        }
    }

    private static bool IsOn(string? value, bool defaultValue) =>
        value is null ? defaultValue : bool.TryParse(value, out var on) ? on : defaultValue;

    private static void Configure(OtlpExporterOptions exporter, OpenTelemetrySettings settings, string signalPath)
    {
        var protocol = string.Equals(settings.Protocol, "HttpProtobuf", StringComparison.OrdinalIgnoreCase)
            ? OtlpExportProtocol.HttpProtobuf
            : OtlpExportProtocol.Grpc;
        exporter.Protocol = protocol;

        // An endpoint set in code is used as given, so with HTTP the signal's path is appended here (as the
        // OTEL_EXPORTER_OTLP_ENDPOINT environment variable would be).
        exporter.Endpoint = protocol == OtlpExportProtocol.HttpProtobuf
            ? new Uri(settings.Endpoint, settings.Endpoint.AbsolutePath.TrimEnd('/') + "/" + signalPath)
            : settings.Endpoint;
        if (!string.IsNullOrWhiteSpace(settings.Headers))
        {
            exporter.Headers = settings.Headers;
        }
    }

    /// <summary><c>service.name</c> (configured, or the application name), <c>service.instance.id</c> and <c>deployment.environment.name</c>.</summary>
    private sealed class FoundationResourceDetector(OpenTelemetrySettings settings, IHostEnvironment environment) : IResourceDetector
    {
        public Resource Detect() => ResourceBuilder.CreateEmpty()
            .AddService(settings.ServiceName ?? environment.ApplicationName)
            .AddAttributes([new("deployment.environment.name", environment.EnvironmentName)])
            .Build();
    }
}
