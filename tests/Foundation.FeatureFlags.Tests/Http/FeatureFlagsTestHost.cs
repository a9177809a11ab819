using System.Net.Http.Json;
using System.Text.Json;
using Foundation.Abstractions.Authorization;
using Foundation.Auditing;
using Foundation.Callers;
using Foundation.FeatureFlags.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.AspNetCore;

namespace Foundation.FeatureFlags.Tests.Http;

/// <summary>
/// One "app instance": a minimal ASP.NET Core host that maps only <c>MapFoundationFeatureFlagsApi()</c> (no Foundation.Hosting, no
/// Foundation.Auth) on a real database, with a clock of its own. Authentication is a test header
/// (<c>X-Test-Caller: user;tenant;role,role;team</c>); <see cref="FoundationPolicies.Admin"/> is admins and owners, as Foundation.Auth
/// defines it. <c>GET /beta-only</c> is gated by the flag <c>beta-gate</c> with FeatureManagement's endpoint filter.
/// </summary>
public sealed class FeatureFlagsTestHost : IAsyncDisposable
{
    private FeatureFlagsTestHost(WebApplication app, FakeTimeProvider time, RecordingAuditWriter audit)
    {
        App = app;
        Time = time;
        Audit = audit;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public FakeTimeProvider Time { get; }

    internal RecordingAuditWriter Audit { get; }

    // bus: a cache-invalidation bus shared with other hosts (as Redis pub/sub joins instances); null for the in-process default.
    public static async Task<FeatureFlagsTestHost> StartAsync(FeatureFlagsTestDatabase database, IDictionary<string, string?>? settings = null,
        Foundation.Caching.ICacheInvalidationBus? bus = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        var audit = new RecordingAuditWriter();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSingleton<IAuditEventWriter>(audit);
        if (bus is not null)
        {
            builder.Services.AddSingleton(bus);
        }
        builder.Services.AddAuthentication(TestCallerHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TestCallerHandler>(TestCallerHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(FoundationPolicies.Admin, p => p.RequireRole("admin", "owner"));
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<ICurrentCaller, TestCurrentCaller>();
        builder.Services.AddProblemDetails();
        builder.Services.AddFoundationFeatureFlags(builder.Configuration).UseDbContext(database.Configure);
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapFoundationFeatureFlagsApi();
        app.MapGet("/beta-only", () => "beta").RequireAuthorization().WithFeatureGate("beta-gate");
        await app.StartAsync();
        return new FeatureFlagsTestHost(app, time, audit);
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? caller, object? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (caller is not null)
        {
            request.Headers.Add(TestCallerHandler.Header, caller);
        }

        if (body is string raw)
        {
            request.Content = new StringContent(raw, System.Text.Encoding.UTF8, "application/json");
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await Client.SendAsync(request);
    }

    public async Task<JsonElement> JsonAsync(HttpMethod method, string url, string? caller, object? body = null, System.Net.HttpStatusCode expected = System.Net.HttpStatusCode.OK)
    {
        using var response = await SendAsync(method, url, caller, body);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, text);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>The caller's flags from <c>GET /api/v1/features</c>.</summary>
    public async Task<Dictionary<string, bool>> FeaturesAsync(string caller)
    {
        var body = await JsonAsync(HttpMethod.Get, "/api/v1/features", caller);
        return body.GetProperty("features").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetBoolean(), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Evaluates <paramref name="flag"/> through this instance's <see cref="IFeatureManager"/> as <paramref name="caller"/>, outside HTTP: the
    /// caller is set on the <see cref="IHttpContextAccessor"/> exactly as a request would set it, so the real caller, definition provider,
    /// cache and targeting filter answer.
    /// </summary>
    public async Task<bool> IsEnabledAsync(string flag, string caller)
    {
        var accessor = App.Services.GetRequiredService<IHttpContextAccessor>();
        accessor.HttpContext = new DefaultHttpContext { User = TestCallerHandler.Principal(caller) };
        try
        {
            return await App.Services.GetRequiredService<IFeatureManager>().IsEnabledAsync(flag);
        }
        finally
        {
            accessor.HttpContext = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
