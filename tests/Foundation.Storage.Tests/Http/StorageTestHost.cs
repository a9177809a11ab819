using Foundation.Callers;
using Foundation.Storage.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Foundation.Testing;

namespace Foundation.Storage.Tests.Http;

/// <summary>
/// A minimal ASP.NET Core host that maps only <c>MapFoundationStorageApi()</c>: no Foundation.Hosting, no Foundation.Auth. Authentication is a
/// test header (<c>X-Test-Caller: user;tenant;role,role</c>); content on the file system under a temporary folder.
/// </summary>
public sealed class StorageTestHost : IAsyncDisposable
{
    private StorageTestHost(WebApplication app, string root, FakeTimeProvider time)
    {
        App = app;
        Root = root;
        Time = time;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    /// <summary>The file-system backend's folder.</summary>
    public string Root { get; }

    public FakeTimeProvider Time { get; }

    public static async Task<StorageTestHost> StartAsync(StorageTestDatabase database, IDictionary<string, string?>? settings = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "foundation-storage-files-" + Guid.NewGuid().ToString("N"));
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Foundation:Storage:RootPath"] = root,
            ["Foundation:Storage:Links:SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddAuthentication(HeaderAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, HeaderAuthenticationHandler>(HeaderAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<ICurrentCaller, ClaimsCaller>();
        builder.Services.AddProblemDetails();
        builder.Services.AddFoundationStorage(builder.Configuration).UseDbContext(database.Configure);
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapFoundationStorageApi();
        await app.StartAsync();
        return new StorageTestHost(app, root, time);
    }

    public static HttpRequestMessage Request(HttpMethod method, string url, string? caller, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        if (caller is not null)
        {
            request.Headers.Add(HeaderAuthenticationHandler.Header, caller);
        }

        return request;
    }

    /// <summary>The blob files under the root (the backend's content, whatever its layout).</summary>
    public IReadOnlyList<string> BlobFiles() =>
        Directory.Exists(Root) ? Directory.GetFiles(Root, "*", SearchOption.AllDirectories) : [];

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
