using System.Diagnostics;
using System.Security.Claims;
using Foundation.Callers;
using Foundation.Hosting.Correlation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Foundation.Hosting.Tests.Infrastructure;

/// <summary>How <see cref="TestApp"/> builds its host.</summary>
public sealed class TestAppOptions
{
    /// <summary>The environment name. Default Production.</summary>
    public string Environment { get; set; } = "Production";

    /// <summary>Configuration that wins over everything else (keys such as <c>Foundation:Hosting:...</c>).</summary>
    public Dictionary<string, string?> Settings { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Listen on a real socket (Kestrel on http://127.0.0.1:0) instead of the in-memory TestServer.</summary>
    public bool UseKestrel { get; set; }

    /// <summary>How often <c>AddFoundation</c> is called: 0 to leave it out, 2 to prove a second call is harmless.</summary>
    public int AddFoundationCalls { get; set; } = 1;

    /// <summary>Records log entries with their scopes when set.</summary>
    public RecordingLoggerProvider? Logs { get; set; }

    /// <summary>A data directory to use (kept on dispose); default a fresh temp folder (deleted on dispose).</summary>
    public string? DataDirectory { get; set; }
}

/// <summary>
/// A small ASP.NET Core app built in the test: <c>AddFoundation</c>, <c>UseFoundation</c>,
/// <c>MapFoundationEndpoints</c> and a few test endpoints, on TestServer (or Kestrel), with AllowedHosts <c>*</c>,
/// the <see cref="TestPeerStartupFilter"/> and a test-only authentication stand-in: the headers
/// <c>X-Test-User</c>, <c>X-Test-Tenant</c> and <c>X-Test-Roles</c> (comma separated) become an authenticated
/// <see cref="ClaimsPrincipal"/> with <c>sub</c>, <c>tenant</c> and <c>role</c> claims.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    public const string UserHeader = "X-Test-User";
    public const string TenantHeader = "X-Test-Tenant";
    public const string RolesHeader = "X-Test-Roles";
    public const string EndpointLogCategory = "Foundation.Hosting.Tests.Endpoint";

    /// <summary>The message of the exception <c>GET /throw</c> throws; it must never reach a production client.</summary>
    public const string ThrownMessage = "Sensitive detail: connection to db-internal-7 refused";

    private readonly TempDirectory? _ownedDirectory;
    private bool _started;

    private TestApp(WebApplication app, TempDirectory? ownedDirectory, string dataDirectory, bool kestrel)
    {
        App = app;
        _ownedDirectory = ownedDirectory;
        DataDirectory = dataDirectory;
        IsKestrel = kestrel;
    }

    public WebApplication App { get; }

    public IServiceProvider Services => App.Services;

    public string DataDirectory { get; }

    public bool IsKestrel { get; }

    /// <summary>The address the app listens on: the Kestrel address, or http://localhost/ for TestServer.</summary>
    public Uri BaseAddress => IsKestrel
        ? new Uri(App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First())
        : new Uri("http://localhost/");

    /// <summary>Builds and starts an app. Any start failure (such as options validation) is thrown from here.</summary>
    public static async Task<TestApp> StartAsync(Action<TestAppOptions>? configure = null)
    {
        var app = Build(configure);
        try
        {
            await app.App.StartAsync();
            app._started = true;
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Builds the app (UseFoundation included) without starting it.</summary>
    public static TestApp Build(Action<TestAppOptions>? configure = null)
    {
        var options = new TestAppOptions();
        configure?.Invoke(options);
        var owned = options.DataDirectory is null ? new TempDirectory() : null;
        var dataDirectory = options.DataDirectory ?? owned!.Path;
        try
        {
            var app = BuildApplication(options, dataDirectory);
            return new TestApp(app, owned, dataDirectory, options.UseKestrel);
        }
        catch
        {
            owned?.Dispose();
            throw;
        }
    }

    private static WebApplication BuildApplication(TestAppOptions options, string dataDirectory)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = options.Environment,
            ApplicationName = typeof(TestApp).Assembly.GetName().Name,

            // A content root of its own, so the sample's appsettings.json copied next to the tests is not read.
            ContentRootPath = dataDirectory,
        });
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["AllowedHosts"] = "*",
            ["Foundation:DataDirectory"] = dataDirectory,
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft"] = "Warning",
        };
        foreach (var (key, value) in options.Settings)
        {
            settings[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        if (options.Logs is not null)
        {
            builder.Logging.AddProvider(options.Logs);
        }

        if (options.UseKestrel)
        {
            builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.Services.AddTransient<IStartupFilter, TestPeerStartupFilter>();
        for (var i = 0; i < options.AddFoundationCalls; i++)
        {
            builder.Services.AddFoundation(builder.Configuration);
        }

        var app = builder.Build();
        app.UseFoundation();
        app.Use(AuthenticateFromTestHeaders);
        app.MapFoundationEndpoints();
        MapTestEndpoints(app);
        return app;
    }

    private static Task AuthenticateFromTestHeaders(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Headers.TryGetValue(UserHeader, out var user))
        {
            var claims = new List<Claim> { new("sub", user.ToString()) };
            if (context.Request.Headers.TryGetValue(TenantHeader, out var tenant))
            {
                claims.Add(new Claim("tenant", tenant.ToString()));
            }

            if (context.Request.Headers.TryGetValue(RolesHeader, out var roles))
            {
                claims.AddRange(roles.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(r => new Claim("role", r)));
            }

            context.User = new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType: "Test"));
        }

        return next(context);
    }

    private static void MapTestEndpoints(WebApplication app)
    {
        app.MapGet("/ok", () => "ok");
        app.MapGet("/docs/{**rest}", () => "docs");
        app.MapGet("/throw", string () => throw new InvalidOperationException(ThrownMessage));
        app.MapPost("/echo", (EchoRequest request) => Results.Ok(request));
        app.MapGet("/caller", (ICurrentCaller caller) => new CallerView(
            caller.UserId,
            caller.TenantId,
            caller.Roles,
            caller.RequestId,
            caller.IsAuthenticated,
            caller.IsInRole("admin"),
            caller.IsInRole("auditor")));
        app.MapGet("/log", (ILoggerFactory loggers) =>
        {
            loggers.CreateLogger(EndpointLogCategory).LogInformation("The test endpoint wrote this");
            return "logged";
        });
        app.MapGet("/diagnostics", (HttpContext context) => new DiagnosticsView(
            context.TraceIdentifier,
            context.Features.Get<IRequestIdFeature>()?.RequestId,
            Activity.Current?.Source.Name,
            Activity.Current?.GetTagItem("http.request.id") as string));
    }

    /// <summary>A client for the app: TestServer's handler, or a plain HttpClient to Kestrel.</summary>
    public HttpClient CreateClient(Uri? baseAddress = null)
    {
        if (IsKestrel)
        {
            return new HttpClient { BaseAddress = baseAddress ?? BaseAddress };
        }

        var client = App.GetTestServer().CreateClient();
        client.BaseAddress = baseAddress ?? BaseAddress;
        return client;
    }

    public TestServer Server => App.GetTestServer();

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_started)
            {
                await App.StopAsync();
            }

            await App.DisposeAsync();
        }
        finally
        {
            _ownedDirectory?.Dispose();
        }
    }
}

public sealed record EchoRequest(string Text, int Count);

public sealed record CallerView(
    string? UserId,
    string? TenantId,
    IReadOnlyList<string> Roles,
    string? RequestId,
    bool IsAuthenticated,
    bool IsAdmin,
    bool IsAuditor);

public sealed record DiagnosticsView(string TraceIdentifier, string? FeatureRequestId, string? ActivitySource, string? ActivityTag);
