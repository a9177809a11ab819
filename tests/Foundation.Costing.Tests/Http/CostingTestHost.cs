using System.Security.Claims;
using System.Text.Encodings.Web;
using Foundation.Abstractions.Authorization;
using Foundation.Callers;
using Foundation.Costing.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Foundation.Costing.Tests.Http;

/// <summary>
/// A minimal ASP.NET Core host that maps only <c>MapFoundationCostingApi()</c>: no Foundation.Hosting, no Foundation.Auth. Authentication is a
/// test header (<c>X-Test-Caller: user;tenant;role,role</c>) and the policies are the host's own, registered under the
/// <see cref="FoundationPolicies"/> names, as a host without Foundation.Auth does.
/// </summary>
public sealed class CostingTestHost : IAsyncDisposable
{
    private CostingTestHost(WebApplication app)
    {
        App = app;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public static async Task<CostingTestHost> StartAsync(CostingTestDatabase database)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication(HeaderAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, HeaderAuthenticationHandler>(HeaderAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(FoundationPolicies.Admin, p => p.RequireRole("admin", "owner"))
            .AddPolicy(FoundationPolicies.PlatformOperator, p => p.RequireRole("operator"));
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<ICurrentCaller, ClaimsCaller>();
        builder.Services.AddProblemDetails();
        builder.Services.AddFoundationCosting(builder.Configuration).UseDbContext(database.Configure);
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapFoundationCostingApi();
        await app.StartAsync();
        return new CostingTestHost(app);
    }

    public static HttpRequestMessage Request(HttpMethod method, string url, string? caller, object? body = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (caller is not null)
        {
            request.Headers.Add(HeaderAuthenticationHandler.Header, caller);
        }

        if (body is not null)
        {
            request.Content = System.Net.Http.Json.JsonContent.Create(body);
        }

        return request;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

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
