using Foundation.Audit.Tests.Infrastructure;
using Foundation.Callers;
using Foundation.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Foundation.Testing;

namespace Foundation.Audit.Tests.Http;

/// <summary>
/// A minimal ASP.NET Core host that maps only <c>MapFoundationAuditApi()</c>: no Foundation.Hosting, no Foundation.Auth. Authentication is a
/// test header (<c>X-Test-Caller: user;tenant;role,role</c>) and the admin policy is the host's own, as a host without Foundation.Auth would do.
/// </summary>
public sealed class AuditTestHost : IAsyncDisposable
{
    public const string SigningKey = "q3n8k3mJ0Yd1h1m2xq7yLJm0Rj0m1x2b3c4d5e6f7g8=";

    private AuditTestHost(WebApplication app)
    {
        App = app;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public static async Task<AuditTestHost> StartAsync(AuditTestDatabase database, Action<WebApplication>? map = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration["Foundation:Audit:Signing:Keys:k1"] = SigningKey;
        builder.Configuration["Foundation:Audit:Checkpoints:EveryEvents"] = "5";
        builder.Services.AddAuthentication(HeaderAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, HeaderAuthenticationHandler>(HeaderAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization(o => o.AddPolicy("foundation:role:admin", p => p.RequireRole("admin")));
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<ICurrentCaller, ClaimsCaller>();
        builder.Services.AddSingleton<ISecretProtector>(database.SharedProtector);
        builder.Services.AddProblemDetails();
        builder.Services.AddFoundationAudit(builder.Configuration).UseDbContext(database.Configure);
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapFoundationAuditApi();
        map?.Invoke(app);
        await app.StartAsync();
        return new AuditTestHost(app);
    }

    public static HttpRequestMessage Get(string url, string? caller)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (caller is not null)
        {
            request.Headers.Add(HeaderAuthenticationHandler.Header, caller);
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
