using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Foundation.Storage.Tests.Infrastructure;

/// <summary>
/// A real S3-compatible server for the tests: npm <c>s3rver</c> (installed by eng/test.sh with <c>npm ci</c> in eng/node), started as a
/// child process on 127.0.0.1 and a free port with its own data folder, stopped (process tree killed, folder deleted) on dispose.
/// Its fixed credentials are S3RVER / S3RVER. Each caller creates its own bucket with <see cref="CreateBucketAsync"/>.
/// </summary>
public sealed class S3rverServer : IAsyncLifetime
{
    public const string AccessKey = "S3RVER";

    public const string SecretKey = "S3RVER";

    private Process? _process;
    private string? _directory;

    /// <summary>The endpoint, for example <c>http://127.0.0.1:40123</c>.</summary>
    public string ServiceUrl { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var root = RepositoryRoot();
        var script = Path.Combine(root, "eng", "node", "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script))
        {
            Assert.Fail($"npm s3rver is not installed at {script}: run ./eng/test.sh (it runs `npm ci` in eng/node), or `npm ci` in eng/node.");
        }

        _directory = Directory.CreateTempSubdirectory("foundation-s3rver-").FullName;
        var port = FreePort();
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { script, "--directory", _directory, "--address", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent", "--no-vhost-buckets" })
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        }
        catch (Win32Exception e)
        {
            Assert.Fail($"node is not on PATH ({e.Message}): install Node.js and run ./eng/test.sh.");
            throw;
        }

        // Drain its output so a full pipe never blocks it.
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        ServiceUrl = $"http://127.0.0.1:{port}";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (_process.HasExited)
            {
                Assert.Fail($"s3rver exited with {_process.ExitCode} before it listened on {ServiceUrl}.");
            }

            try
            {
                using var response = await http.GetAsync(ServiceUrl);
                return; // any answer (s3rver answers 403 to an unsigned request) means it listens
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            catch (TaskCanceledException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>A client for the server, as the package configures one for an S3-compatible endpoint.</summary>
    public AmazonS3Client CreateClient() => new(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
    {
        ServiceURL = ServiceUrl,
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    /// <summary>Creates a new, empty bucket and returns its name.</summary>
    public async Task<string> CreateBucketAsync()
    {
        var name = "foundation-" + Guid.NewGuid().ToString("N")[..16];
        using var client = CreateClient();
        await client.PutBucketAsync(new PutBucketRequest { BucketName = name });
        return name;
    }

    /// <summary>The keys and sizes of every object in <paramref name="bucket"/>.</summary>
    public async Task<IReadOnlyList<(string Key, long Size)>> ListObjectsAsync(string bucket)
    {
        using var client = CreateClient();
        var objects = new List<(string, long)>();
        string? token = null;
        do
        {
            var page = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, ContinuationToken = token });
            foreach (var o in page.S3Objects ?? [])
            {
                objects.Add((o.Key, o.Size ?? 0));
            }

            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        return objects;
    }

    public Task DisposeAsync()
    {
        if (_process is { } process)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(TimeSpan.FromSeconds(10));
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.Dispose();
        }

        if (_directory is not null && Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        return Task.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Foundation.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Foundation.sln above {AppContext.BaseDirectory}.");
    }
}
