using Foundation.Llm.Routing.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Foundation.Llm.Routing.Outbound;

/// <summary>
/// Registers the outbound address guard once, whichever of <c>AddFoundationLlmRouting</c> and <c>AddFoundationLlmProviderKeys</c>
/// (Foundation.Llm.ProviderKeys) runs first: <see cref="OutboundAddressPolicy"/> (from <see cref="ProviderKeyOptions"/>, checked by
/// its validator) and the named client that serves caller-supplied URLs (<see cref="OutboundAddressPolicy.HttpClientName"/>) with
/// the guard as its primary handler.
/// </summary>
internal static class OutboundHttpRegistration
{
    public static void AddOutboundAddressGuard(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(Marker)))
        {
            return;
        }

        services.AddSingleton<Marker>();
        services.AddOptions<ProviderKeyOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProviderKeyOptions>, ProviderKeyOptionsValidator>());
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<ProviderKeyOptions>>().Value.CreatePolicy());
        services.AddHttpClient(OutboundAddressPolicy.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<OutboundAddressPolicy>().CreateHandler());
    }

    private sealed class Marker;
}
