using Foundation.Configuration;
using System.Diagnostics.Metrics;
using Foundation.Audit;
using Foundation.Audit.Chain;
using Foundation.Audit.Diagnostics;
using Foundation.Audit.PersonalData;
using Foundation.Audit.Query;
using Foundation.Audit.Retention;
using Foundation.Audit.Storage;
using Foundation.Audit.Verification;
using Foundation.Audit.Writing;
using Foundation.Auditing;
using Foundation.Internal;
using Foundation.PersonalData;
using Foundation.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Foundation.Audit.</summary>
public static class AuditServiceCollectionExtensions
{
    /// <summary>
    /// Registers Foundation.Audit with options from <c>Foundation:Audit</c>. Choose a store on the returned builder; the store makes the durable,
    /// hash-chained writer the <see cref="IAuditEventWriter"/> (replacing the logging default, not a writer the host registered itself).
    /// </summary>
    public static AuditBuilder AddFoundationAudit(this IServiceCollection services, IConfiguration configuration, Action<AuditOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddOptions<AuditOptions>().BindStrictly(configuration.GetSection(AuditOptions.SectionName));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(services, options);
    }

    /// <summary>Registers Foundation.Audit with options set in code only.</summary>
    public static AuditBuilder AddFoundationAudit(this IServiceCollection services, Action<AuditOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<AuditOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(services, options);
    }

    private static AuditBuilder AddCore(IServiceCollection services, OptionsBuilder<AuditOptions> options)
    {
        options.ValidateOnStart();
        services.AddFoundationDefaults();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuditOptions>, AuditOptionsValidator>());
        services.TryAddSingleton(sp => new AuditTelemetry(sp.GetService<IMeterFactory>()));
        return new AuditBuilder(services);
    }
}

/// <summary>Chooses where Foundation.Audit keeps its chain.</summary>
public sealed class AuditBuilder
{
    internal AuditBuilder(IServiceCollection services) => Services = services;

    /// <summary>The services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Keeps the audit log in the SQLite database of <paramref name="connectionString"/>.</summary>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string.</param>
    /// <param name="migrateOnStartup">Apply the migrations when the host starts, before any hosted service runs.</param>
    public AuditBuilder UseSqlite(string connectionString, bool migrateOnStartup = false) =>
        UseDbContext(StoreRegistration.Sqlite(connectionString), migrateOnStartup);

    /// <summary>Keeps the audit log in the PostgreSQL database of <paramref name="connectionString"/> (several instances share one chain per tenant).</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="migrateOnStartup">Apply the migrations when the host starts.</param>
    public AuditBuilder UseNpgsql(string connectionString, bool migrateOnStartup = false) =>
        UseDbContext(StoreRegistration.Npgsql(connectionString), migrateOnStartup);

    /// <summary>Configures <see cref="AuditDbContext"/> yourself. The migrations ship for SQLite and PostgreSQL only.</summary>
    public AuditBuilder UseDbContext(Action<DbContextOptionsBuilder> configure, bool migrateOnStartup = false) =>
        UseDbContext(StoreRegistration.Own(configure), migrateOnStartup);

    /// <summary>Configures <see cref="AuditDbContext"/> from the application's services (a connection known once the container is built).</summary>
    public AuditBuilder UseDbContext(Action<IServiceProvider, DbContextOptionsBuilder> configure, bool migrateOnStartup = false)
    {
        var services = Services;
        StoreRegistration.UseDbContext<AuditDbContext, AuditDatabaseMigrator>(services, configure, migrateOnStartup);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuditOptions>, AuditSigningValidator>(
            sp => new AuditSigningValidator(sp.GetRequiredService<IServiceProviderIsService>().IsService(typeof(ISecretProtector)))));
        services.TryAddSingleton<AuditSigningKeyRing>();
        services.TryAddSingleton(sp => new AuditSubjectKeys(sp.GetRequiredService<IOptionsMonitor<AuditOptions>>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ISecretProtector>()));
        services.TryAddSingleton(sp => new AuditAppender(sp.GetRequiredService<AuditSigningKeyRing>(), sp.GetRequiredService<IOptionsMonitor<AuditOptions>>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<AuditTelemetry>(), sp.GetRequiredService<AuditSubjectKeys>()));
        services.TryAddSingleton<DurableAuditEventWriter>();
        services.TryAddScoped(sp => new AuditVerifier(sp.GetRequiredService<AuditDbContext>(), sp.GetRequiredService<AuditSigningKeyRing>(),
            sp.GetRequiredService<IServiceScopeFactory>()));
        services.TryAddScoped<GdprService>();
        services.TryAddScoped<ConsentService>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IPersonalDataProvider, AuditPersonalDataProvider>());
        services.TryAddScoped(sp => new AuditQueryService(sp.GetRequiredService<AuditDbContext>(), sp.GetRequiredService<AuditSigningKeyRing>(),
            sp.GetRequiredService<AuditSubjectKeys>()));
        services.TryAddScoped(sp => new AuditRetentionService(sp.GetRequiredService<AuditDbContext>(), sp.GetRequiredService<AuditAppender>(),
            sp.GetRequiredService<AuditSigningKeyRing>(), sp.GetRequiredService<IOptionsMonitor<AuditOptions>>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IAuditEventWriter>()));

        // The durable writer replaces the logging default, but never a writer the host registered itself.
        var existing = services.LastOrDefault(d => d.ServiceType == typeof(IAuditEventWriter));
        if (existing is null || existing.ImplementationType == typeof(LoggingAuditEventWriter))
        {
            services.RemoveAll<IAuditEventWriter>();
            services.AddSingleton<IAuditEventWriter>(sp => sp.GetRequiredService<DurableAuditEventWriter>());
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AuditWriterBackgroundService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AuditCheckpointService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AuditRetentionBackgroundService>());
        return this;
    }
}
