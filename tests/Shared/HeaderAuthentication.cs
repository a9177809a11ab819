using System.Security.Claims;
using System.Text.Encodings.Web;
using Foundation.Callers;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Foundation.Testing;

/// <summary>
/// A test authentication scheme for minimal hosts that map a package's API without Foundation.Auth: the header
/// <c>X-Test-Caller: {sub};{tenant};{role,role}</c> becomes a principal with those claims.
/// </summary>
internal sealed class HeaderAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "TestHeader";
    public const string Header = "X-Test-Caller";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var value))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var parts = value.ToString().Split(';');
        var claims = new List<Claim> { new("sub", parts[0]), new("tenant", parts[1]) };
        claims.AddRange(parts[2].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => new Claim(ClaimTypes.Role, r)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}

/// <summary>The caller from the test claims, as a host implements <see cref="ICurrentCaller"/> over its own authentication.</summary>
internal sealed class ClaimsCaller(IHttpContextAccessor accessor) : ICurrentCaller
{
    public string? UserId => accessor.HttpContext?.User.FindFirst("sub")?.Value;

    public string? TenantId => accessor.HttpContext?.User.FindFirst("tenant")?.Value;

    public IReadOnlyList<string> Roles => accessor.HttpContext?.User.FindAll(ClaimTypes.Role).Select(c => c.Value).ToList() ?? [];

    public string? RequestId => accessor.HttpContext?.TraceIdentifier;
}
