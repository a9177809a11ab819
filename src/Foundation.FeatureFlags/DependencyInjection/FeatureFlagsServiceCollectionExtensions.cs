using System.Diagnostics.Metrics;
using Foundation.Auditing;
using Foundation.Callers;
using Foundation.Configuration;
using Foundation.FeatureFlags;
using Foundation.FeatureFlags.Diagnostics;
using Foundation.FeatureFlags.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.FeatureManagement;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Foundation.FeatureFlags.</summary>
public static class FeatureFlagsServiceCollectionExtensions
{
    /// <summary>
    /// Registers Foundation.FeatureFlags with options from <c>Foundation:FeatureFlags</c> (unknown keys fail the start), and
    /// Microsoft.FeatureManagement (singleton <see cref="IFeatureManager"/>) over the organisations' flags
    /// (<see cref="OrganizationFeatureDefinitionProvider"/>, falling back to the <c>FeatureManagement</c> section of
    /// <paramref name="configuration"/>) with targeting from the caller (<see cref="CallerTargetingContextAccessor"/>). Choose the store on
    /// the returned builder (<c>UseSqlite</c>, <c>UseNpgsql</c> or <c>UseDbContext</c>).
    /// </summary>
    public static FeatureFlagsBuilder AddFoundationFeatureFlags(this IServiceCollection services, IConfiguration configuration, Action<FeatureFlagsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddOptions<FeatureFlagsOptions>().BindStrictly(configuration.GetSection(FeatureFlagsOptions.SectionName));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(services, options, configuration);
    }

    /// <summary>Registers Foundation.FeatureFlags with options set in code only; no flags are declared in configuration.</summary>
    public static FeatureFlagsBuilder AddFoundationFeatureFlags(this IServiceCollection services, Action<FeatureFlagsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<FeatureFlagsOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(services, options, new ConfigurationBuilder().Build());
    }

    private static FeatureFlagsBuilder AddCore(IServiceCollection services, OptionsBuilder<FeatureFlagsOptions> options, IConfiguration configuration)
    {
        options.ValidateOnStart();
        services.AddFoundationDefaults();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FeatureFlagsOptions>, FeatureFlagsOptionsValidator>());
        services.TryAddSingleton(sp => new FeatureFlagsTelemetry(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton(sp => new FeatureFlagCache(sp.GetRequiredService<IServiceScopeFactory>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptionsMonitor<FeatureFlagsOptions>>(), sp.GetRequiredService<FeatureFlagsTelemetry>(),
            sp.GetService<Foundation.Caching.ICacheInvalidationBus>()));
        services.TryAddScoped(sp => new FeatureFlagService(sp.GetRequiredService<FeatureFlagsDbContext>(), sp.GetRequiredService<FeatureFlagCache>(),
            sp.GetRequiredService<IAuditEventWriter>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<FeatureFlagsOptions>>(),
            sp.GetRequiredService<FeatureFlagsTelemetry>()));

        // Before AddFeatureManagement, which adds its configuration provider only when no provider is registered.
        if (!services.Any(d => d.ServiceType == typeof(FeatureFlagsMarker)))
        {
            services.AddSingleton<FeatureFlagsMarker>();
            services.TryAddSingleton<IFeatureDefinitionProvider>(sp => new OrganizationFeatureDefinitionProvider(
                sp.GetRequiredService<FeatureFlagCache>(), sp.GetRequiredService<ICurrentCaller>(), configuration));
            var providers = services.Where(d => d.ServiceType == typeof(IFeatureDefinitionProvider)).ToList();
            services.AddFeatureManagement().WithTargeting<CallerTargetingContextAccessor>();

            // Whatever provider AddFeatureManagement added beside the one above (or the host's) goes: the organisations' provider
            // already falls back to the FeatureManagement section.
            foreach (var added in services.Where(d => d.ServiceType == typeof(IFeatureDefinitionProvider) && !providers.Contains(d)).ToList())
            {
                services.Remove(added);
            }
        }

        return new FeatureFlagsBuilder(services);
    }

    /// <summary>Marks that the package was registered, so a second call does not register feature management twice.</summary>
    private sealed class FeatureFlagsMarker;
}
