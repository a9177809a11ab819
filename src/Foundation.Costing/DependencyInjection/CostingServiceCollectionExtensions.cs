using System.Diagnostics.Metrics;
using Foundation.Auditing;
using Foundation.Configuration;
using Foundation.Costing;
using Foundation.Costing.Analytics;
using Foundation.Costing.Budgets;
using Foundation.Costing.Diagnostics;
using Foundation.Internal;
using Foundation.Costing.Internal;
using Foundation.Costing.Ledger;
using Foundation.Costing.Metering;
using Foundation.Costing.Pricing;
using Foundation.Costing.Storage;
using Foundation.Pricing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Foundation.Costing.</summary>
public static class CostingServiceCollectionExtensions
{
    /// <summary>
    /// Registers prices (<see cref="IModelPriceProvider"/>), metering (<see cref="CostingChatClientFactory"/>, <c>UseFoundationCosting()</c>)
    /// and metrics, with options from <c>Foundation:Costing</c>. Choose a store on the returned builder for the ledger, budgets, database
    /// prices and analytics.
    /// </summary>
    public static CostingBuilder AddFoundationCosting(this IServiceCollection services, IConfiguration configuration, Action<CostingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddOptions<CostingOptions>().BindStrictly(configuration.GetSection(CostingOptions.SectionName));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(services, options);
    }

    /// <summary>Registers Foundation.Costing with options set in code only.</summary>
    public static CostingBuilder AddFoundationCosting(this IServiceCollection services, Action<CostingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<CostingOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(services, options);
    }

    private static CostingBuilder AddCore(IServiceCollection services, OptionsBuilder<CostingOptions> options)
    {
        options.ValidateOnStart();
        services.AddFoundationDefaults();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CostingOptions>, CostingOptionsValidator>());
        services.TryAddSingleton(sp => new CostingTelemetry(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton(sp => new CatalogModelPriceProvider(ConfiguredPrices(sp.GetRequiredService<IOptions<CostingOptions>>().Value)));
        services.TryAddSingleton<IModelPriceProvider>(sp => sp.GetRequiredService<CatalogModelPriceProvider>());
        services.TryAddSingleton<IUsageRecordSink, NullUsageRecordSink>();
        services.TryAddSingleton(sp => new CostingMeter(
            sp.GetRequiredService<IModelPriceProvider>(),
            sp.GetRequiredService<IUsageRecordSink>(),
            CostingStore.HasStore(sp) ? sp.GetRequiredService<BudgetEnforcer>() : null,
            sp.GetRequiredService<CostingTelemetry>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptionsMonitor<CostingOptions>>(),
            sp.GetRequiredService<ILogger<CostingMeter>>()));
        services.TryAddSingleton<CostingChatClientFactory>();
        return new CostingBuilder(services);
    }

    internal static IEnumerable<PriceEntry> ConfiguredPrices(CostingOptions options)
    {
        foreach (var (provider, models) in options.Prices)
        {
            foreach (var (model, p) in models)
            {
                yield return new PriceEntry(
                    ModelNames.NormalizeProvider(provider), ModelNames.NormalizeModel(model), p.EffectiveFrom ?? DateTimeOffset.MinValue,
                    new ModelPrice(p.InputPerMillion ?? 0, p.OutputPerMillion ?? 0, p.CachedInputPerMillion, p.CacheWrite5mPerMillion, p.CacheWrite1hPerMillion, p.ReasoningPerMillion),
                    PriceSource.Configuration, "configuration");
            }
        }
    }
}

/// <summary>Chooses where Foundation.Costing keeps its ledger, budgets and prices.</summary>
public sealed class CostingBuilder
{
    internal CostingBuilder(IServiceCollection services) => Services = services;

    /// <summary>The services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Keeps the Costing data in the SQLite database of <paramref name="connectionString"/>.</summary>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string.</param>
    /// <param name="migrateOnStartup">Apply the migrations when the host starts, before any hosted service runs.</param>
    public CostingBuilder UseSqlite(string connectionString, bool migrateOnStartup = false) =>
        UseDbContext(StoreRegistration.Sqlite(connectionString), migrateOnStartup);

    /// <summary>Keeps the Costing data in the PostgreSQL database of <paramref name="connectionString"/> (several instances share one).</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="migrateOnStartup">Apply the migrations when the host starts.</param>
    public CostingBuilder UseNpgsql(string connectionString, bool migrateOnStartup = false) =>
        UseDbContext(StoreRegistration.Npgsql(connectionString), migrateOnStartup);

    /// <summary>Configures <see cref="CostingDbContext"/> yourself. The migrations ship for SQLite and PostgreSQL only.</summary>
    public CostingBuilder UseDbContext(Action<DbContextOptionsBuilder> configure, bool migrateOnStartup = false) =>
        UseDbContext(StoreRegistration.Own(configure), migrateOnStartup);

    /// <summary>Configures <see cref="CostingDbContext"/> from the application's services (a connection known once the container is built).</summary>
    public CostingBuilder UseDbContext(Action<IServiceProvider, DbContextOptionsBuilder> configure, bool migrateOnStartup = false)
    {
        var services = Services;
        StoreRegistration.UseDbContext<CostingDbContext, CostingDatabaseMigrator>(services, configure, migrateOnStartup);
        services.TryAddEnumerable(ServiceDescriptor.Scoped<Foundation.PersonalData.IPersonalDataProvider, Foundation.Costing.PersonalData.CostingPersonalDataProvider>());
        services.TryAddSingleton<UsageLedgerWriter>();
        services.RemoveAll<IUsageRecordSink>();
        services.AddSingleton<IUsageRecordSink>(sp => sp.GetRequiredService<UsageLedgerWriter>());
        services.TryAddSingleton(sp => new BudgetEventPublisher(sp.GetRequiredService<IAuditEventWriter>(), sp.GetServices<IBudgetEventHandler>(), sp.GetRequiredService<ILogger<BudgetEventPublisher>>()));
        services.TryAddSingleton(sp => new BudgetDefinitionCache(sp.GetRequiredService<IServiceScopeFactory>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptionsMonitor<CostingOptions>>(), sp.GetService<Foundation.Caching.ICacheInvalidationBus>()));
        services.TryAddSingleton(sp => new BudgetEnforcer(sp.GetRequiredService<IServiceScopeFactory>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptionsMonitor<CostingOptions>>(), sp.GetRequiredService<CostingTelemetry>(), sp.GetRequiredService<BudgetEventPublisher>(),
            sp.GetRequiredService<BudgetDefinitionCache>(), sp.GetRequiredService<ILogger<BudgetEnforcer>>()));
        services.TryAddScoped(sp => new BudgetService(sp.GetRequiredService<CostingDbContext>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptionsMonitor<CostingOptions>>(), sp.GetRequiredService<IAuditEventWriter>(), sp.GetRequiredService<Foundation.Callers.ICurrentCaller>())
        {
            Enforcer = sp.GetRequiredService<BudgetEnforcer>(),
        });
        services.TryAddScoped<PriceCatalogService>();
        services.TryAddScoped<CostAnalyticsService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, UsageLedgerBackgroundService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ReservationReclaimerService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, BudgetLeaseFlushService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PriceRefreshService>());
        return this;
    }
}
