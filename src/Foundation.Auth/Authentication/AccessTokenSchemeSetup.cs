using Foundation.Auth.Tokens;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Foundation.Auth.Authentication;

/// <summary>
/// Configures the <c>Foundation.AccessToken</c> JwtBearer scheme from the suite's token options and key ring.
/// <see cref="Configure(string, JwtBearerOptions)"/> sets the validation parameters (a host's own
/// <c>Configure&lt;JwtBearerOptions&gt;</c> registered later may change them); <see cref="PostConfigure"/> wraps whatever
/// events the host configured in <see cref="AccessTokenEvents"/>, so the suite's checks always run.
/// </summary>
internal sealed class AccessTokenSchemeSetup : IConfigureNamedOptions<JwtBearerOptions>, IPostConfigureOptions<JwtBearerOptions>
{
    private readonly IOptions<AuthOptions> _authOptions;
    private readonly AccessTokenChecks _checks;
    private readonly IOptionsMonitor<FoundationBearerOptions> _bearerOptions;
    private readonly ILoggerFactory _loggerFactory;

    public AccessTokenSchemeSetup(
        IOptions<AuthOptions> authOptions,
        AccessTokenChecks checks,
        IOptionsMonitor<FoundationBearerOptions> bearerOptions,
        ILoggerFactory loggerFactory)
    {
        _authOptions = authOptions;
        _checks = checks;
        _bearerOptions = bearerOptions;
        _loggerFactory = loggerFactory;
    }

    /// <inheritdoc />
    public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);

    /// <inheritdoc />
    public void Configure(string? name, JwtBearerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.Equals(name, FoundationAuthenticationDefaults.AccessTokenScheme, StringComparison.Ordinal))
        {
            return;
        }

        options.MapInboundClaims = false;
        options.SaveToken = false;
        options.TokenValidationParameters ??= new TokenValidationParameters();
        AccessTokenParameters.ApplyToScheme(options.TokenValidationParameters, _authOptions.Value.Tokens, ResolveSigningKey);
    }

    /// <inheritdoc />
    public void PostConfigure(string? name, JwtBearerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.Equals(name, FoundationAuthenticationDefaults.AccessTokenScheme, StringComparison.Ordinal)
            || options.Events is AccessTokenEvents)
        {
            return;
        }

        options.Events = new AccessTokenEvents(
            options.EventsType is null ? options.Events : null,
            options.EventsType,
            _checks,
            _bearerOptions,
            _loggerFactory.CreateLogger("Foundation.Auth.Authentication.AccessToken"));
        options.EventsType = null;
    }

    /// <summary>The ring's key for the token's <c>kid</c> (found, after a refresh if need be, in <c>OnMessageReceived</c>), and no other.</summary>
    private IEnumerable<SecurityKey> ResolveSigningKey(string token, SecurityToken securityToken, string kid, TokenValidationParameters parameters) =>
        _checks.FindKnownKey(kid) is { } key ? [key.Loaded.SecurityKey] : [];
}
