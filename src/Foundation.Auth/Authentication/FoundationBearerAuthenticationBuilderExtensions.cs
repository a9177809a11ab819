using Foundation.Auth.Authentication;
using Foundation.Auth.Tokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Foundation schemes to an <see cref="AuthenticationBuilder"/>.</summary>
public static class FoundationBearerAuthenticationBuilderExtensions
{
    /// <summary>
    /// Adds three schemes: <c>Bearer</c> (<see cref="FoundationAuthenticationDefaults.Scheme"/>), a policy scheme that sends a
    /// lone <c>Authorization: Bearer &lt;access token&gt;</c> to <c>Foundation.AccessToken</c>
    /// (<see cref="FoundationAuthenticationDefaults.AccessTokenScheme"/>, ASP.NET Core's JwtBearer handler with the suite's
    /// key ring, issuer, audience and session checks) and everything else to <c>Foundation.ApiKey</c>
    /// (<see cref="FoundationAuthenticationDefaults.ApiKeyScheme"/>, <see cref="FoundationApiKeyHandler"/>: API keys
    /// (<c>fnd_...</c>) in <c>Authorization: Bearer</c> or <c>X-API-Key</c>, and the refusal of malformed headers).
    /// Customise the access-token scheme with <c>services.Configure&lt;JwtBearerOptions&gt;(FoundationAuthenticationDefaults.AccessTokenScheme, o =&gt; ...)</c>
    /// (its <c>Events</c> run after, or around, the suite's checks). It needs the suite's signing-key ring (AddFoundationAuth
    /// registers it), an <see cref="ISessionValidator"/> and, for API keys, an <see cref="IApiKeyAuthenticator"/>.
    /// </summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="configure">Configures <see cref="FoundationBearerOptions"/> (named <see cref="FoundationAuthenticationDefaults.ApiKeyScheme"/>).</param>
    public static AuthenticationBuilder AddFoundationBearer(this AuthenticationBuilder builder, Action<FoundationBearerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddPolicyScheme(
            FoundationAuthenticationDefaults.Scheme,
            "Foundation access token or API key",
            static options => options.ForwardDefaultSelector = BearerCredentials.SelectScheme);
        builder.AddScheme<FoundationBearerOptions, FoundationApiKeyHandler>(
            FoundationAuthenticationDefaults.ApiKeyScheme,
            "Foundation API key",
            configure);
        builder.AddJwtBearer(FoundationAuthenticationDefaults.AccessTokenScheme, "Foundation access token", static _ => { });
        builder.Services.TryAddSingleton<AccessTokenChecks>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<JwtBearerOptions>, AccessTokenSchemeSetup>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<JwtBearerOptions>, AccessTokenSchemeSetup>());
        return builder;
    }
}
