using Foundation.Auth.Authentication;
using Microsoft.AspNetCore.Authentication;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Foundation <c>Bearer</c> scheme to an <see cref="AuthenticationBuilder"/>.</summary>
public static class FoundationBearerAuthenticationBuilderExtensions
{
    /// <summary>
    /// Adds the <c>Bearer</c> scheme (<see cref="FoundationBearerHandler"/>): Foundation access tokens in
    /// <c>Authorization: Bearer</c>, and API keys (<c>fnd_...</c>) there or in <c>X-API-Key</c>. It needs an
    /// <c>IAccessTokenService</c> (AddFoundationAuth registers one), an <see cref="ISessionValidator"/> and, for API keys,
    /// an <see cref="IApiKeyAuthenticator"/>.
    /// </summary>
    public static AuthenticationBuilder AddFoundationBearer(this AuthenticationBuilder builder, Action<FoundationBearerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddScheme<FoundationBearerOptions, FoundationBearerHandler>(
            FoundationAuthenticationDefaults.Scheme,
            "Foundation access token or API key",
            configure);
    }
}
