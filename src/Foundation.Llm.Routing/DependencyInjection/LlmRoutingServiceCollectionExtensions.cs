using System.Diagnostics.Metrics;
using Foundation.Callers;
using Foundation.Configuration;
using Foundation.Llm.Routing;
using Foundation.Llm.Routing.Credentials;
using Foundation.Llm.Routing.Diagnostics;
using Foundation.Llm.Routing.Routing;
using Foundation.Pricing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Foundation.Llm.Routing.</summary>
public static class LlmRoutingServiceCollectionExtensions
{
    /// <summary>
    /// Children of <c>Foundation:Llm</c> that other options bind and check: <c>ProviderKeys</c>
    /// (<c>AddFoundationLlmProviderKeys</c>) and <c>Demo</c> (Foundation.Hosting's demo deployment).
    /// </summary>
    private static readonly string[] OwnedElsewhere = ["ProviderKeys", "Demo"];

    /// <summary>
    /// Registers the router (<see cref="LlmRouter"/>, also as <see cref="IChatClient"/> and <see cref="ILlmModelCatalog"/>) with
    /// providers, aliases, resilience and policies from <c>Foundation:Llm</c>, validated at start. Provider clients use
    /// <see cref="IHttpClientFactory"/> named clients <c>Foundation.Llm.{provider}</c>; a caller's own credential with its own base URL
    /// uses <c>Foundation.Llm.CallerUrls</c>, whose primary handler is the outbound address guard
    /// (<see cref="Foundation.Llm.Routing.Outbound.OutboundAddressPolicy"/>). Add a host's own clients on the returned builder.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration root (the <c>Foundation:Llm</c> section is read from it).</param>
    /// <param name="configure">Changes applied after binding.</param>
    public static LlmRoutingBuilder AddFoundationLlmRouting(this IServiceCollection services, IConfiguration configuration, Action<LlmRoutingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddOptions<LlmRoutingOptions>().BindStrictly(configuration.GetSection(LlmRoutingOptions.SectionName), OwnedElsewhere);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(services);
    }

    /// <summary>Registers the router with options set in code only.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets providers, aliases, resilience and policies.</param>
    public static LlmRoutingBuilder AddFoundationLlmRouting(this IServiceCollection services, Action<LlmRoutingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<LlmRoutingOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(services);
    }

    private static LlmRoutingBuilder AddCore(IServiceCollection services)
    {
        services.AddFoundationDefaults();
        services.AddOptions<LlmRoutingOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LlmRoutingOptions>, LlmRoutingOptionsValidator>());
        services.AddHttpClient();

        // Caller-supplied base URLs (bring your own key) go through the outbound address guard; configured providers do not.
        Foundation.Llm.Routing.Outbound.OutboundHttpRegistration.AddOutboundAddressGuard(services);
        services.TryAddSingleton<ILlmClientFactory>(sp => new DefaultLlmClientFactory(sp.GetRequiredService<IHttpClientFactory>()));
        services.TryAddSingleton(sp => new LlmRoutingTelemetry(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<LlmRoutingOptions>>().Value;
            var factory = sp.GetRequiredService<ILlmClientFactory>();
            var decorate = DeploymentDecorator.Compose(sp, sp.GetServices<DeploymentDecorator>());
            var table = RouteTable.Build(options, sp.GetServices<HostDeployment>(), factory, decorate);
            return new LlmRouter(
                table,
                options.Resilience,
                options.Policies,
                sp.GetRequiredService<ICurrentCaller>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<LlmRoutingTelemetry>(),
                sp.GetService<IProviderCredentialResolver>(),
                decorate is null ? factory : new DecoratingLlmClientFactory(factory, decorate),
                sp.GetService<IModelPriceProvider>(),
                sp.GetService<ILoggerFactory>()?.CreateLogger("Foundation.Llm.Routing"));
        });
        services.TryAddSingleton<IChatClient>(sp => sp.GetRequiredService<LlmRouter>());
        services.TryAddSingleton<ILlmModelCatalog>(sp => sp.GetRequiredService<LlmRouter>());
        return new LlmRoutingBuilder(services);
    }
}
