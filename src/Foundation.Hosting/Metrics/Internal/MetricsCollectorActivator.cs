using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Foundation.Hosting.Metrics.Internal;

/// <summary>Creates the collector when the host starts (not at the first scrape), so early measurements are counted.</summary>
internal sealed class MetricsCollectorActivator : IHostedService
{
    private readonly IServiceProvider _services;
    private readonly IOptions<MetricsOptions> _options;

    public MetricsCollectorActivator(IServiceProvider services, IOptions<MetricsOptions> options)
    {
        _services = services;
        _options = options;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.Value.Enabled)
        {
            _ = _services.GetRequiredService<PrometheusMetricsCollector>();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
