using Foundation.Callers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Costing.Metering;

/// <summary>Creates <see cref="CostingChatClient"/>s from DI (inject it where you build your clients).</summary>
public sealed class CostingChatClientFactory
{
    private readonly CostingMeter _meter;
    private readonly IServiceProvider _services;

    /// <summary>Creates the factory.</summary>
    public CostingChatClientFactory(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _services = services;
        _meter = services.GetRequiredService<CostingMeter>();
    }

    /// <summary>Meters <paramref name="inner"/>; <paramref name="caller"/> defaults to the registered <see cref="ICurrentCaller"/>.</summary>
    public CostingChatClient Create(IChatClient inner, ICurrentCaller? caller = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        return new CostingChatClient(inner, _meter, caller ?? _services.GetService<ICurrentCaller>() ?? AnonymousCaller.Instance);
    }
}
