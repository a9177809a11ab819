using Foundation.Auditing;
using Foundation.Caching;
using Foundation.Callers;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the defaults of the Foundation contracts.</summary>
public static class FoundationAbstractionsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the defaults every Foundation package may rely on, without replacing anything the host
    /// registered first: <see cref="TimeProvider.System"/>, an anonymous <see cref="ICurrentCaller"/>
    /// the logging <see cref="IAuditEventWriter"/> and the in-process <see cref="ICacheInvalidationBus"/>. Every <c>AddFoundationXxx</c> call makes it; a host
    /// rarely needs to.
    /// </summary>
    public static IServiceCollection AddFoundationDefaults(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ICurrentCaller>(AnonymousCaller.Instance);
        services.TryAddSingleton<IAuditEventWriter, LoggingAuditEventWriter>();
        services.TryAddSingleton<ICacheInvalidationBus, InProcessCacheInvalidationBus>();
        return services;
    }
}
