using Foundation.Configuration;
using Foundation.Llm.Routing.Credentials;
using Foundation.Llm.Routing.Storage;
using Foundation.Internal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the provider-key store of Foundation.Llm.ProviderKeys (bring your own key for Foundation.Llm.Routing).</summary>
public static class LlmProviderKeysServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ProviderKeyService"/>, the live check (<see cref="ProviderKeyTester"/>) and
    /// <see cref="StoredProviderCredentialResolver"/> as the <c>IProviderCredentialResolver</c> the router consults, with
    /// options from <c>Foundation:Llm:ProviderKeys</c>. Expects an <c>ISecretProtector</c> (Foundation.Hosting registers
    /// one). Choose the database on the returned builder.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration holding <c>Foundation:Llm:ProviderKeys</c>.</param>
    /// <param name="configure">Adjusts the options after binding.</param>
    public static LlmProviderKeysBuilder AddFoundationLlmProviderKeys(this IServiceCollection services, IConfiguration configuration, Action<ProviderKeyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddOptions<ProviderKeyOptions>().BindStrictly(configuration.GetSection(ProviderKeyOptions.SectionName));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.AddFoundationDefaults();
        services.AddLogging();
        services.AddFoundationLlmOutboundAddressGuard();
        if (!services.Any(d => d.ServiceType == typeof(ProviderKeyTester)))
        {
            services.AddHttpClient(ProviderKeyTester.HttpClientName)
                .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<Foundation.Llm.Routing.Outbound.OutboundAddressPolicy>().CreateHandler());
        }

        services.TryAddSingleton<ProviderKeyTester>();
        services.TryAddSingleton<StoredProviderCredentialResolver>();
        services.TryAddSingleton<Foundation.Llm.Routing.Credentials.IProviderCredentialResolver>(sp => sp.GetRequiredService<StoredProviderCredentialResolver>());
        services.TryAddScoped<ProviderKeyService>();
        services.TryAddSingleton<LlmDatabaseMigrator>();
        return new LlmProviderKeysBuilder(services);
    }

    /// <summary>
    /// Adds the provider-key store to the router <c>AddFoundationLlmRouting</c> registered: the same as
    /// <see cref="AddFoundationLlmProviderKeys"/>, so the router hands each call the caller's own key. Choose the database on the
    /// returned builder (<c>.UseSqlite(...)</c>, <c>.UseNpgsql(...)</c>).
    /// </summary>
    /// <param name="routing">The builder <c>AddFoundationLlmRouting()</c> returned.</param>
    /// <param name="configuration">The configuration holding <c>Foundation:Llm:ProviderKeys</c>.</param>
    /// <param name="configure">Adjusts the options after binding.</param>
    public static LlmProviderKeysBuilder AddProviderKeyStore(this LlmRoutingBuilder routing, IConfiguration configuration, Action<ProviderKeyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(routing);
        return routing.Services.AddFoundationLlmProviderKeys(configuration, configure);
    }

    /// <summary>Keeps provider keys in the SQLite database of <paramref name="connectionString"/>.</summary>
    /// <param name="builder">The builder <c>AddFoundationLlmProviderKeys()</c> returned.</param>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string.</param>
    /// <param name="migrateOnStartup">Apply the migrations when the host starts, before any hosted service runs.</param>
    public static LlmProviderKeysBuilder UseSqlite(this LlmProviderKeysBuilder builder, string connectionString, bool migrateOnStartup = false) =>
        builder.UseDbContext(StoreRegistration.Sqlite(connectionString), migrateOnStartup);

    /// <summary>Keeps provider keys in the PostgreSQL database of <paramref name="connectionString"/>.</summary>
    /// <param name="builder">The builder <c>AddFoundationLlmProviderKeys()</c> returned.</param>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="migrateOnStartup">Apply the migrations when the host starts.</param>
    public static LlmProviderKeysBuilder UseNpgsql(this LlmProviderKeysBuilder builder, string connectionString, bool migrateOnStartup = false) =>
        builder.UseDbContext(StoreRegistration.Npgsql(connectionString), migrateOnStartup);

    /// <summary>Configures <see cref="LlmDbContext"/> yourself (provider, logging, retry strategy); pooled, so it must not use scoped services.</summary>
    /// <param name="builder">The builder <c>AddFoundationLlmProviderKeys()</c> returned.</param>
    /// <param name="configure">Chooses and configures the provider.</param>
    /// <param name="migrateOnStartup">Apply the migrations when the host starts.</param>
    public static LlmProviderKeysBuilder UseDbContext(this LlmProviderKeysBuilder builder, Action<DbContextOptionsBuilder> configure, bool migrateOnStartup = false) =>
        builder.UseDbContext(StoreRegistration.Own(configure), migrateOnStartup);

    /// <summary>
    /// Configures <see cref="LlmDbContext"/> yourself, from the application's services. The migrations ship for SQLite
    /// and PostgreSQL only. The context is pooled: <paramref name="configure"/> runs once, with the root provider.
    /// </summary>
    /// <param name="builder">The builder <c>AddFoundationLlmProviderKeys()</c> returned.</param>
    /// <param name="configure">Chooses and configures the provider.</param>
    /// <param name="migrateOnStartup">Apply the migrations when the host starts.</param>
    public static LlmProviderKeysBuilder UseDbContext(this LlmProviderKeysBuilder builder, Action<IServiceProvider, DbContextOptionsBuilder> configure, bool migrateOnStartup = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        StoreRegistration.UseDbContext<LlmDbContext, LlmDatabaseMigrator>(builder.Services, configure, migrateOnStartup);
        return builder;
    }
}
