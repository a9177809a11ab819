using Foundation.Auth;
using Foundation.Auth.Authorization;
using Foundation.Auth.Internal;
using Foundation.Configuration;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Foundation.Auth.</summary>
public static class AuthServiceCollectionExtensions
{
    /// <summary>
    /// Registers accounts, passwords, tokens, sessions and API keys, the <c>Bearer</c> authentication scheme, the role and
    /// <c>UserSession</c> policies (with their 403 problem answers), with options from <c>Foundation:Auth</c>. Choose the
    /// store on the returned builder; map the HTTP API with <c>app.MapFoundationAuthApi()</c>.
    /// </summary>
    public static AuthBuilder AddFoundationAuth(this IServiceCollection services, IConfiguration configuration, Action<AuthOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddOptions<AuthOptions>().BindStrictly(configuration.GetSection(AuthOptions.SectionName), "Totp");
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        return AddCore(services);
    }

    /// <summary>Registers Foundation.Auth with options set in code only.</summary>
    public static AuthBuilder AddFoundationAuth(this IServiceCollection services, Action<AuthOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<AuthOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        return AddCore(services);
    }

    private static AuthBuilder AddCore(IServiceCollection services)
    {
        services.AddFoundationDefaults();
        AuthRegistration.AddPasswords(services);
        AuthRegistration.AddTokens(services);
        AuthRegistration.AddStores(services);
        AuthRegistration.AddAccounts(services);
        services.AddAuthorizationCore(o => o.AddFoundationRolePolicies());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, SecondFactorRequirementHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, PlatformOperatorRequirementHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Options.IValidateOptions<AuthOptions>, PlatformOperatorOptionsValidator>());
        AddAuthorizationResultHandler(services);
        return new AuthBuilder(services);
    }

    /// <summary>
    /// The step-up and "a user session is required" 403 answers (<see cref="FoundationAuthorizationResultHandler"/>). It
    /// replaces ASP.NET Core's default handler (which an earlier <c>AddAuthorization()</c> may have registered), but not
    /// one of the host's own; a later <c>AddAuthorization()</c> only adds the default when none is registered.
    /// </summary>
    private static void AddAuthorizationResultHandler(IServiceCollection services)
    {
        var existing = services.FirstOrDefault(d => d.ServiceType == typeof(IAuthorizationMiddlewareResultHandler));
        if (existing?.ImplementationType == typeof(AuthorizationMiddlewareResultHandler))
        {
            services.Remove(existing);
            existing = null;
        }

        if (existing is null)
        {
            services.AddSingleton<IAuthorizationMiddlewareResultHandler, FoundationAuthorizationResultHandler>();
        }
    }
}
