using Foundation.Auth.Authentication;
using Foundation.Auth.Tokens;
using Foundation.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Foundation.Auth.Internal;

/// <summary>Tokens: signing keys, access tokens and the <c>Bearer</c> scheme.</summary>
internal static partial class AuthRegistration
{
    /// <summary>
    /// Registers (each only if absent) the token options validator, <see cref="InMemorySigningKeyStore"/> as the default
    /// <see cref="ISigningKeyStore"/>, the <see cref="SigningKeyRing"/>, <see cref="IAccessTokenService"/> and the
    /// <c>Bearer</c> authentication scheme, which becomes the default scheme only when the host chose none.
    /// Expects an <see cref="ISecretProtector"/> (Foundation.Hosting registers one), and for the scheme an
    /// <see cref="ISessionValidator"/> and, for API keys, an <see cref="IApiKeyAuthenticator"/>.
    /// </summary>
    internal static void RegisterTokens(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddFoundationDefaults();
        services.AddOptions<AuthOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, TokenOptionsValidator>());
        services.TryAddSingleton<ISigningKeyStore, InMemorySigningKeyStore>();
        services.TryAddSingleton(static sp => new SigningKeyRing(
            sp.GetRequiredService<IOptions<AuthOptions>>(),
            sp.GetRequiredService<ISigningKeyStore>(),
            sp.GetService<ISecretProtector>() ?? throw new InvalidOperationException(
                "Foundation.Auth keeps its token-signing keys encrypted with an ISecretProtector, and none is registered. AddFoundation() registers one on ASP.NET Core Data Protection; a host without it must register its own."),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<SigningKeyRing>>()));
        services.TryAddSingleton<IAccessTokenService, JwtAccessTokenService>();

        // AddScheme throws on a second scheme of the same name, so register them once however often this runs.
        if (!services.Any(d => d.ServiceType == typeof(FoundationApiKeyHandler)))
        {
            services.AddAuthentication().AddFoundationBearer();
            services.PostConfigure<AuthenticationOptions>(static options =>
            {
                if (options.DefaultScheme is null
                    && options.DefaultAuthenticateScheme is null
                    && options.DefaultChallengeScheme is null
                    && options.DefaultForbidScheme is null
                    && options.DefaultSignInScheme is null
                    && options.DefaultSignOutScheme is null)
                {
                    options.DefaultScheme = FoundationAuthenticationDefaults.Scheme;
                }
            });
        }
    }
}
