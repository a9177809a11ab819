using Foundation.Llm.Routing.Outbound;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the outbound address guard of Foundation.Llm.Routing for packages that connect to caller-supplied URLs.</summary>
public static class OutboundAddressGuardServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="OutboundAddressPolicy"/> (from the <c>ProviderKeyOptions</c> of <c>Foundation:Llm:ProviderKeys</c>:
    /// <c>AllowedHosts</c>, <c>AllowPrivateNetworkBaseUrls</c>) and the named client <see cref="OutboundAddressPolicy.HttpClientName"/>
    /// whose primary handler is the guard. <c>AddFoundationLlmRouting</c> calls it; calling it again does nothing.
    /// </summary>
    /// <param name="services">The services.</param>
    public static IServiceCollection AddFoundationLlmOutboundAddressGuard(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        OutboundHttpRegistration.AddOutboundAddressGuard(services);
        return services;
    }
}
