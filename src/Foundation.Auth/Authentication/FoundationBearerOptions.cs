using Microsoft.AspNetCore.Authentication;

namespace Foundation.Auth.Authentication;

/// <summary>
/// Options of the Foundation schemes, kept under the name <see cref="FoundationAuthenticationDefaults.ApiKeyScheme"/>
/// (the options of <see cref="FoundationApiKeyHandler"/>; <see cref="ValidateSessions"/> is read by the access-token
/// scheme's events). Set them with <c>AddFoundationBearer(o =&gt; ...)</c> or
/// <c>services.Configure&lt;FoundationBearerOptions&gt;(FoundationAuthenticationDefaults.ApiKeyScheme, o =&gt; ...)</c>.
/// </summary>
public sealed class FoundationBearerOptions : AuthenticationSchemeOptions
{
    /// <summary>Whether an API key is also read from the <c>X-API-Key</c> header. Default <see langword="true"/>.</summary>
    public bool AcceptApiKeyHeader { get; set; } = true;

    /// <summary>
    /// Whether a validly signed access token must also belong to a live session of an active user with the same security
    /// stamp (checked by <see cref="ISessionValidator"/> in the access-token scheme's <c>OnTokenValidated</c>). Default
    /// <see langword="true"/>; with it off, logout, password changes and disabling a user take effect only when tokens expire.
    /// </summary>
    public bool ValidateSessions { get; set; } = true;
}
