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
    private StorageTestHost(WebApplication app, string root, FakeTimeProvider time, S3rverServer? s3, string? bucket)
    {
        App = app;
        Root = root;
        Time = time;
        S3 = s3;
        Bucket = bucket;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    /// <summary>The file-system backend's folder.</summary>
    public string Root { get; }

    public FakeTimeProvider Time { get; }

    /// <summary>The S3-compatible server content goes to, or <see langword="null"/> for the file system.</summary>
    public S3rverServer? S3 { get; }

    /// <summary>The host's own bucket on <see cref="S3"/>.</summary>
    public string? Bucket { get; }

    /// <summary>
    /// Starts a host. With <paramref name="s3"/> content goes to a new bucket of that server, and the clock starts at the real time (the SDK
    /// signs links with the real clock, so a link's expiry computed from a clock in the past could not be signed).
    /// </summary>
    public static async Task<StorageTestHost> StartAsync(StorageTestDatabase database, IDictionary<string, string?>? settings = null, S3rverServer? s3 = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "foundation-storage-files-" + Guid.NewGuid().ToString("N"));
        var time = new FakeTimeProvider(s3 is null ? new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero) : DateTimeOffset.UtcNow);
        var bucket = s3 is null ? null : await s3.CreateBucketAsync();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Foundation:Storage:RootPath"] = root,
            ["Foundation:Storage:Links:SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        });
        if (s3 is not null)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Foundation:Storage:Provider"] = "S3",
                ["Foundation:Storage:S3:Bucket"] = bucket,
                ["Foundation:Storage:S3:ServiceUrl"] = s3.ServiceUrl,
                ["Foundation:Storage:S3:ForcePathStyle"] = "true",
                ["Foundation:Storage:S3:AccessKeyId"] = S3rverServer.AccessKey,
                ["Foundation:Storage:S3:SecretAccessKey"] = S3rverServer.SecretKey,
                ["Foundation:Storage:S3:KeyPrefix"] = "files/",
                ["Foundation:Storage:S3:PartSizeMiB"] = "5",
            });
        }

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
        return new StorageTestHost(app, root, time, s3, bucket);
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

    /// <summary>The sizes of the backend's content: the files under the root, or the objects in the host's bucket.</summary>
    public async Task<IReadOnlyList<long>> BlobSizesAsync()
    {
        if (S3 is not null)
        {
            return (await S3.ListObjectsAsync(Bucket!)).Select(o => o.Size).ToList();
        }

        return Directory.Exists(Root) ? Directory.GetFiles(Root, "*", SearchOption.AllDirectories).Select(f => new FileInfo(f).Length).ToList() : [];
    }

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
