using Foundation.Auth.ApiKeys;
using Foundation.Auth.Authentication;
using Foundation.Auth.Sessions;
using Foundation.Auth.Storage;
using Foundation.Auditing;
using Foundation.Callers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.Internal;

internal static partial class AuthRegistration
{
    /// <summary>
    /// Registers the store-backed services (sessions, API keys, session validation, the expired-session cleanup, the
    /// migrator; for API keys the validation cache, the usage recorder and its background flush). Idempotent. The services resolve <see cref="AuthDbContext"/> through factories, so a host that chose
    /// no store still builds (also under ValidateOnBuild) and gets a message naming the builder methods when a
    /// store-backed service is first used.
    /// </summary>
    internal static void RegisterStores(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddFoundationDefaults();
        services.AddOptions<AuthOptions>();

        services.TryAddSingleton<SessionValidationCache>();
        services.TryAddSingleton<ApiKeyValidationCache>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, ApiKeyOptionsValidator>());
        services.TryAddSingleton<AuthDatabaseMigrator>();
        services.TryAddScoped(sp => new SessionService(
            AuthStoreServices.GetDbContext(sp),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IAuditEventWriter>(),
            sp.GetRequiredService<ICurrentCaller>(),
            sp.GetRequiredService<SessionValidationCache>()));
        services.TryAddScoped<ISessionValidator>(sp => new SessionValidator(
            AuthStoreServices.GetDbContext(sp),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<SessionValidationCache>()));
        services.TryAddScoped(sp => new ApiKeyService(
            AuthStoreServices.GetDbContext(sp),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<AuthOptions>>(),
            sp.GetRequiredService<IAuditEventWriter>(),
            sp.GetRequiredService<ICurrentCaller>(),
            sp.GetRequiredService<ApiKeyValidationCache>()));

        // A singleton: a request whose key is cached resolves no DbContext at all.
        services.TryAddSingleton<IApiKeyAuthenticator>(sp => new ApiKeyAuthenticator(
            sp.GetRequiredService<IServiceScopeFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ApiKeyValidationCache>(),
            sp.GetRequiredService<ApiKeyUsageRecorder>()));
        if (!services.Any(d => d.ServiceType == typeof(ApiKeyUsageRecorder)))
        {
            services.AddSingleton(sp => new ApiKeyUsageRecorder(
                sp.GetRequiredService<IServiceScopeFactory>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<IOptions<AuthOptions>>(),
                sp.GetService<ILogger<ApiKeyUsageRecorder>>() ?? NullLogger<ApiKeyUsageRecorder>.Instance));
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ApiKeyUsageRecorder>());
        }

        if (!services.Any(d => d.ServiceType == typeof(ExpiredSessionCleanupService)))
        {
            services.AddSingleton(sp => new ExpiredSessionCleanupService(
                sp.GetRequiredService<IServiceScopeFactory>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<IOptions<AuthOptions>>(),
                sp.GetService<ILogger<ExpiredSessionCleanupService>>() ?? NullLogger<ExpiredSessionCleanupService>.Instance));
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ExpiredSessionCleanupService>());
        }
    }
}
