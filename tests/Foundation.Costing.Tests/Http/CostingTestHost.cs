using Foundation.Abstractions.Authorization;
using Foundation.Callers;
using Foundation.Costing.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Foundation.Testing;

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
