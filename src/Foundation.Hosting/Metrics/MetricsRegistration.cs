using System.Diagnostics.Metrics;
using Foundation.Configuration;
using Foundation.Hosting.Metrics.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Foundation.Hosting.Metrics;

/// <summary>Wires the Prometheus exporter into AddFoundation / MapFoundationEndpoints.</summary>
internal static class MetricsRegistration
{
    /// <summary>
    /// Binds <see cref="MetricsOptions"/> from the <c>Metrics</c> child of <paramref name="hostingSection"/>
    /// (<c>Foundation:Hosting</c>), validates them at start and registers the collector.
    /// </summary>
    public static void AddFoundationMetrics(IServiceCollection services, IConfiguration hostingSection)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(hostingSection);

        var section = hostingSection.GetSection("Metrics");
        services.AddOptions<MetricsOptions>().BindStrictly(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MetricsOptions>>(new MetricsOptionsValidator(section.Path)));
        services.TryAddSingleton(sp => new PrometheusMetricsCollector(
            sp.GetRequiredService<IOptions<MetricsOptions>>().Value,
            sp.GetService<IMeterFactory>(),
            sp.GetService<ILogger<PrometheusMetricsCollector>>()));
        services.TryAddSingleton(sp => new MetricsEndpoint(
            sp.GetRequiredService<PrometheusMetricsCollector>(),
            sp.GetRequiredService<IOptions<MetricsOptions>>().Value));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MetricsCollectorActivator>());
    }

    /// <summary>
    /// Maps <c>GET {MetricsOptions.Path}</c> unless <see cref="MetricsOptions.Enabled"/> is <see langword="false"/>;
    /// the endpoint is not rate limited and not in the OpenAPI description.
    /// </summary>
    public static void MapFoundationMetrics(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (!options.Enabled)
        {
            return;
        }

        var endpoint = endpoints.ServiceProvider.GetRequiredService<MetricsEndpoint>();
        endpoints.MapGet(options.Path, endpoint.HandleAsync)
            .WithDisplayName("Foundation Prometheus metrics")
            .DisableRateLimiting()
            .ExcludeFromDescription();
    }
}
