using System.Net;
using Foundation.Callers;
using Foundation.Configuration;
using Foundation.Hosting;
using Foundation.Hosting.Callers;
using Foundation.Hosting.Data;
using Foundation.Hosting.Errors;
using Foundation.Hosting.Health;
using Foundation.Hosting.Internal;
using Foundation.Hosting.Metrics;
using Foundation.Hosting.RateLimiting;
using Foundation.Hosting.Security;
using Foundation.Hosting.Telemetry;
using Foundation.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Foundation in an ASP.NET Core host.</summary>
public static class FoundationServiceCollectionExtensions
{
    /// <summary>
    /// Children of <c>Foundation</c> bound by the packages' own options (each checks its keys strictly), so the root
    /// options leave them alone: <c>Hosting</c> (<see cref="HostingOptions"/>), <c>Auth</c> (with <c>Auth:Totp</c>),
    /// <c>Llm</c> (with <c>Llm:ProviderKeys</c> and <c>Llm:Demo</c>), <c>Costing</c>, <c>Audit</c>, <c>Storage</c>, <c>FeatureFlags</c> and <c>Email</c>. Any other key under
    /// <c>Foundation</c> that <see cref="FoundationOptions"/> does not read fails the start.
    /// </summary>
    private static readonly string[] OwnedByPackages = ["Hosting", "Auth", "Llm", "Costing", "Audit", "Storage", "FeatureFlags", "Email"];

    /// <summary>
    /// Binds the <c>Foundation</c> configuration section and registers every Foundation package and the host
    /// layer: security headers, request correlation, rate limits, problem details, health checks, the
    /// Prometheus endpoint, the secret protector, JSON logs and optional OpenTelemetry export. Options are
    /// validated when the host starts. Every service is added with <c>TryAdd</c>, so a registration made
    /// before this call wins. Then call <c>app.UseFoundation()</c> and <c>app.MapFoundationEndpoints()</c>.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">The host's configuration root (<c>builder.Configuration</c>).</param>
    /// <param name="configure">Changes applied after configuration binding.</param>
    public static FoundationBuilder AddFoundation(
        this IServiceCollection services,
        IConfiguration configuration,
        Action<FoundationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var builder = new FoundationBuilder(services, configuration);
        if (services.Any(d => d.ServiceType == typeof(FoundationMarker)))
        {
            return builder;
        }

        services.AddSingleton<FoundationMarker>();
        var foundationSection = configuration.GetSection(FoundationOptions.SectionName);
        var hostingSection = configuration.GetSection(HostingOptions.SectionName);

        var foundationOptions = services.AddOptions<FoundationOptions>().BindStrictly(foundationSection, OwnedByPackages);
        if (configure is not null)
        {
            foundationOptions.Configure(configure);
        }

        foundationOptions.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<FoundationOptions>, FoundationOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FoundationOptions>, FoundationOptionsValidator>());
        services.AddOptions<HostingOptions>().BindStrictly(hostingSection, "Metrics").ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HostingOptions>, HostingOptionsValidator>());
        services.TryAddSingleton<FoundationPaths>();
        services.TryAddSingleton<SqliteDatabaseFile>();

        // The caller's identity, then the defaults of the contracts (TryAdd: the HTTP caller wins over the anonymous one).
        services.AddHttpContextAccessor();
        services.TryAddSingleton<ICurrentCaller, HttpCurrentCaller>();
        services.AddFoundationDefaults();
        AddRedis(services);

        AddErrors(services);
        MoveHostFilteringInsideErrorHandling(services);
        AddSecurity(services);
        AddRateLimiting(services);
        AddHealth(services);
        AddLogging(services, hostingSection);
        OpenTelemetryRegistration.AddFoundationOpenTelemetry(services, hostingSection);
        AddPackages(services, configuration);
        MetricsRegistration.AddFoundationMetrics(services, hostingSection);

        return builder;
    }

    /// <summary>Every Foundation package, on the database of <c>Foundation:Database</c>; migrated at start unless turned off.</summary>
    private static void AddPackages(IServiceCollection services, IConfiguration configuration)
    {
        // First among the packages' hosted services, so the schema exists before any of them runs.
        services.AddHostedService<FoundationDatabaseMigrationService>();

        // Audit next: its durable, hash-chained writer replaces the logging one, and its writer stops after the packages that raise events.
        services.AddFoundationAudit(configuration).UseDbContext(FoundationDatabase.Configure);
        services.AddFoundationAuth(configuration).UseDbContext(FoundationDatabase.Configure);

        // E-mail (account mail, invitations): SMTP when Foundation:Email:Smtp:Host is set, otherwise the development sink in {DataDirectory}/mail.
        services.AddFoundationEmail(configuration).UseDefaultSinkDirectory(sp => DataSubdirectory(sp, "mail"));

        // Also registers the totp second factor, so login answers a challenge for users who enabled it, and the
        // "2FA required for roles" enrolment cache; AddFoundationAuth registered the step-up and user-session 403 answers.
        services.AddFoundationTotp(configuration).UseDbContext(FoundationDatabase.Configure);

        // Costing: prices, the usage ledger, budgets and analytics on the same database; the gateway meters every deployment with it.
        services.AddFoundationCosting(configuration).UseDbContext(FoundationDatabase.Configure);
        Foundation.Hosting.Internal.DemoCostingDefaults.AddHostingDefaults(services);

        // Storage: file metadata on the same database, content under {DataDirectory}/files unless Foundation:Storage says otherwise.
        services.AddFoundationStorage(configuration).UseDbContext(FoundationDatabase.Configure)
            .UseDefaultRootPath(StorageRootPath)
            .UseDefaultBackups(BackupDatabase, sp => DataSubdirectory(sp, "backups"));

        // An organisation's files are not shared with its guests: unless the host names a policy, the file API takes viewer or above.
        services.PostConfigure<Foundation.Storage.StorageOptions>(o =>
            o.Policy = string.IsNullOrWhiteSpace(o.Policy) ? Foundation.Abstractions.Authorization.FoundationPolicies.Viewer : o.Policy);

        // Feature flags: each organisation's flags on the same database, evaluated by Microsoft.FeatureManagement (IFeatureManager, endpoint filter).
        services.AddFoundationFeatureFlags(configuration).UseDbContext(FoundationDatabase.Configure);

        // LLM: the router, the provider-key store (bring your own key) and the gateway's services (demo deployment, env-var providers).
        Foundation.Hosting.Composition.LlmGatewayRegistration.AddFoundationLlmGateway(services, configuration);
        services.AddAuthorization();
    }

    /// <summary>
    /// <c>{DataDirectory}/files</c>. When the Foundation options are invalid the start fails on them anyway; the root is then taken from the
    /// configuration so their validation failures are not reported a second time, through Storage's options.
    /// </summary>
    private static string StorageRootPath(IServiceProvider services)
    {
        try
        {
            return Path.Combine(services.GetRequiredService<FoundationPaths>().DataDirectory, "files");
        }
        catch (OptionsValidationException)
        {
            return "files";
        }
    }

    /// <summary>Backups snapshot <c>Foundation:Database</c> (the same connection string the stores use) and are kept under <c>{DataDirectory}/backups</c>.</summary>
    private static Foundation.Storage.Backups.BackupDatabaseOptions BackupDatabase(IServiceProvider services)
    {
        try
        {
            var database = services.GetRequiredService<IOptions<FoundationOptions>>().Value.Database;
            return new Foundation.Storage.Backups.BackupDatabaseOptions
            {
                Provider = database.Provider == DatabaseProvider.PostgreSql
                    ? Foundation.Storage.Backups.BackupDatabaseProvider.PostgreSql
                    : Foundation.Storage.Backups.BackupDatabaseProvider.Sqlite,
                ConnectionString = database.ConnectionString,
            };
        }
        catch (OptionsValidationException)
        {
            return new Foundation.Storage.Backups.BackupDatabaseOptions();
        }
    }

    /// <summary><c>{DataDirectory}/{name}</c>; like <see cref="StorageRootPath"/>, the bare name when the Foundation options are invalid (their own failure is reported).</summary>
    private static string DataSubdirectory(IServiceProvider services, string name)
    {
        try
        {
            return Path.Combine(services.GetRequiredService<FoundationPaths>().DataDirectory, name);
        }
        catch (OptionsValidationException)
        {
            return name;
        }
    }

    private static void AddErrors(IServiceCollection services)
    {
        // Problems on /v1 in OpenAI's error shape (Foundation.Llm.Routing's writer, ahead of every other writer).
        services.AddFoundationLlmGatewayErrors();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemDetailsDefaults.Customize);
        services.AddExceptionHandler<FoundationExceptionHandler>();

        // Minimal APIs answer a malformed body with a bare 400 outside Development; throwing lets the handler say
        // which parameter and which JSON path were wrong. Those are the caller's mistakes: not logged as errors.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<ExceptionHandlerOptions>(o =>
            o.SuppressDiagnosticsCallback = context => context.Exception is Microsoft.AspNetCore.Http.BadHttpRequestException);
    }

    /// <summary>
    /// The web host puts host filtering (<c>AllowedHosts</c>) outermost, where its 400 has no body. UseFoundation
    /// adds it again inside the problem-details middleware, so a wrong Host gets a problem answer like every
    /// other error; the outer copy is removed here. The allowed hosts are read from the same options.
    /// </summary>
    private static void MoveHostFilteringInsideErrorHandling(IServiceCollection services)
    {
        for (var i = services.Count - 1; i >= 0; i--)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType == typeof(Microsoft.AspNetCore.Hosting.IStartupFilter)
                && string.Equals(descriptor.ImplementationType?.FullName, "Microsoft.AspNetCore.HostFilteringStartupFilter", StringComparison.Ordinal))
            {
                services.RemoveAt(i);
            }
        }

        services.AddHostFiltering(o => o.IncludeFailureMessage = false);
    }

    private static void AddSecurity(IServiceCollection services)
    {
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<HostingOptions>>((kestrel, hosting) =>
            {
                if (hosting.Value.SecurityHeaders.RemoveServerHeader)
                {
                    kestrel.AddServerHeader = false;
                }
            });
        services.AddHsts(_ => { });
        services.AddOptions<HstsOptions>()
            .Configure<IOptions<HostingOptions>>((hsts, hosting) =>
            {
                var settings = hosting.Value.SecurityHeaders.Hsts;
                hsts.MaxAge = TimeSpan.FromDays(settings.MaxAgeDays);
                hsts.IncludeSubDomains = settings.IncludeSubDomains;
                hsts.Preload = settings.Preload;
            });

        services.AddCors();
        services.AddOptions<CorsOptions>()
            .Configure<IOptions<HostingOptions>>((cors, hosting) =>
            {
                var settings = hosting.Value.Cors;
                cors.AddDefaultPolicy(policy =>
                {
                    if (settings.AllowedOrigins.Contains("*", StringComparer.Ordinal))
                    {
                        policy.AllowAnyOrigin();
                    }
                    else
                    {
                        policy.WithOrigins([.. settings.AllowedOrigins]);
                    }

                    policy.WithMethods([.. settings.AllowedMethods])
                        .WithHeaders([.. settings.AllowedHeaders])
                        .WithExposedHeaders([.. settings.ExposedHeaders])
                        .SetPreflightMaxAge(TimeSpan.FromSeconds(settings.PreflightMaxAgeSeconds));
                    if (settings.AllowCredentials)
                    {
                        policy.AllowCredentials();
                    }
                });
            });

        services.AddOptions<ForwardedHeadersOptions>()
            .Configure<IOptions<HostingOptions>>((forwarded, hosting) =>
            {
                var settings = hosting.Value.ForwardedHeaders;
                forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
                forwarded.ForwardLimit = settings.ForwardLimit;
                forwarded.KnownProxies.Clear();
                forwarded.KnownIPNetworks.Clear();
                foreach (var proxy in settings.TrustedProxies)
                {
                    forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
                }

                foreach (var network in settings.TrustedNetworks)
                {
                    forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
                }
            });

        services.AddDataProtection();
        services.AddOptions<DataProtectionOptions>()
            .Configure<IOptions<FoundationOptions>>((dp, foundation) => dp.ApplicationDiscriminator = foundation.Value.DataProtection.ApplicationName);
        services.TryAddSingleton<KeyRingCertificate>();
        services.AddOptions<KeyManagementOptions>()
            .Configure<IServiceProvider, IOptions<FoundationOptions>, FoundationPaths, ILoggerFactory, KeyRingCertificate>((keys, sp, foundation, paths, loggers, certificate) =>
            {
                // A host's own repository or encryptor (configured before this runs) wins. Foundation:DataProtection:KeyRing: folder or database.
                if (keys.XmlRepository is null)
                {
                    keys.XmlRepository = Foundation.Hosting.Data.KeyRing.KeyRingStore.Repository(sp, foundation.Value, paths, loggers);
                }

                if (keys.XmlEncryptor is null && certificate.Certificate is { } encryptWith)
                {
                    keys.XmlEncryptor = new CertificateXmlEncryptor(encryptWith, loggers);
                }
            });

        // Decrypting needs the certificate too; given here, no certificate store has to hold it.
        KeyRingCertificate.AddKeyDecryption(services);
        services.AddHostedService<KeyRingReport>();
        Foundation.Hosting.Data.KeyRing.KeyRingStore.Add(services);
        services.TryAddSingleton<ISecretProtector, DataProtectionSecretProtector>();
    }

    private static void AddRateLimiting(IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.TryAddSingleton<SharedRateLimits>();
        services.AddOptions<RateLimiterOptions>()
            .Configure<IOptions<HostingOptions>, SharedRateLimits>((limiter, hosting, shared) => FoundationRateLimiter.Configure(limiter, hosting.Value.RateLimiting, shared));
    }

    private static void AddHealth(IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck("self", () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy("The process answers."), [HealthTags.Live])
            .AddCheck<DatabaseHealthCheck>("database", tags: [HealthTags.Ready])
            .AddCheck<DiskSpaceHealthCheck>("disk", tags: [HealthTags.Ready])
            .AddCheck<WorkingSetHealthCheck>("memory", tags: [HealthTags.Ready]);
    }

    /// <summary>
    /// <c>Foundation:Redis</c>: the connection, the Redis cache-invalidation bus in place of the in-process default (unless the host
    /// registered its own), and the Redis check of <c>/health/ready</c>. All of it stays idle while the key is unset.
    /// </summary>
    private static void AddRedis(IServiceCollection services)
    {
        services.TryAddSingleton<Foundation.Hosting.Redis.RedisConnection>();
        services.AddHostedService<Foundation.Hosting.Redis.RedisConnectionStarter>();
        var defaultBus = services.FirstOrDefault(d => d.ServiceType == typeof(Foundation.Caching.ICacheInvalidationBus));
        if (defaultBus?.ImplementationType == typeof(Foundation.Caching.InProcessCacheInvalidationBus))
        {
            services.Remove(defaultBus);
            services.TryAddSingleton<Foundation.Hosting.Redis.RedisCacheInvalidationBus>();
            services.AddSingleton<Foundation.Caching.ICacheInvalidationBus>(sp =>
                sp.GetRequiredService<Foundation.Hosting.Redis.RedisConnection>().IsConfigured
                    ? sp.GetRequiredService<Foundation.Hosting.Redis.RedisCacheInvalidationBus>()
                    : new Foundation.Caching.InProcessCacheInvalidationBus());
        }

        services.AddOptions<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckServiceOptions>()
            .Configure<Foundation.Hosting.Redis.RedisConnection>((health, redis) =>
            {
                if (redis.IsConfigured && !health.Registrations.Any(r => string.Equals(r.Name, "redis", StringComparison.Ordinal)))
                {
                    health.Registrations.Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration(
                        "redis",
                        sp => ActivatorUtilities.CreateInstance<Foundation.Hosting.Redis.RedisHealthCheck>(sp),
                        Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded,
                        [HealthTags.Ready]));
                }
            });
    }

    private static void AddLogging(IServiceCollection services, IConfiguration hostingSection)
    {
        // Read when the options are built, not now: configuration added after AddFoundation (a later source,
        // WebApplicationFactory's settings) must count here as it does for every other Foundation option.
        services.Configure<ConsoleLoggerOptions>(o =>
        {
            if (JsonLogs(hostingSection))
            {
                o.FormatterName = ConsoleFormatterNames.Json;
            }
        });
        services.Configure<JsonConsoleFormatterOptions>(o =>
        {
            if (JsonLogs(hostingSection))
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            }
        });
    }

    /// <summary>
    /// <c>Foundation:Hosting:Logging:Json</c>, read without throwing: the logger is built before options are validated,
    /// and a malformed value must fail the start with the options' message naming the key.
    /// </summary>
    private static bool JsonLogs(IConfiguration hostingSection) =>
        bool.TryParse(hostingSection["Logging:Json"], out var json) && json;

    /// <summary>Marks that AddFoundation ran, so UseFoundation can say so when it did not.</summary>
    internal sealed class FoundationMarker;
}
