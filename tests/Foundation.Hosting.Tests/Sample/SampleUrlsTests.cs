using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Foundation.Hosting.Tests.Infrastructure;
using Foundation.Sample.Web;
using Microsoft.Extensions.Configuration;

namespace Foundation.Hosting.Tests.Sample;

/// <summary>
/// The sample listens where the standard settings say (ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS, --urls, what container
/// platforms set) and on http://localhost:5080 only when none says anything: its appsettings.json pins no address.
/// </summary>
[Trait("Category", TestCategories.Integration)]
public sealed class SampleUrlsTests
{
    private static readonly string[] s_addressVariables =
    [
        "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_URLS", "DOTNET_HTTP_PORTS", "DOTNET_HTTPS_PORTS", "URLS",
    ];

    [Theory]
    [InlineData("appsettings.json")]
    [InlineData("appsettings.Development.json")]
    public void The_samples_appsettings_choose_no_address_so_the_default_applies(string file)
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(SampleDirectory(), file), optional: false).Build();

        configuration["urls"].ShouldBeNull();
        SampleUrls.DefaultFor(configuration).ShouldBe("http://localhost:5080");
    }

    [Theory]
    [InlineData("urls", "http://0.0.0.0:8081")]
    [InlineData("http_ports", "8080")]
    [InlineData("https_ports", "8443")]
    [InlineData("Kestrel:Endpoints:Http:Url", "http://0.0.0.0:8082")]
    public void Any_standard_address_setting_turns_the_default_off(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

        SampleUrls.DefaultFor(configuration).ShouldBeNull();
    }

    [Fact]
    public async Task ASPNETCORE_HTTP_PORTS_is_where_the_sample_listens()
    {
        var port = FreePort();

        var listening = await RunSampleAsync(new() { ["ASPNETCORE_HTTP_PORTS"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) }, [], port);

        listening.ShouldBe($"http://[::]:{port}");
    }

    [Fact]
    public async Task ASPNETCORE_URLS_is_where_the_sample_listens()
    {
        var port = FreePort();

        var listening = await RunSampleAsync(new() { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" }, [], port);

        listening.ShouldBe($"http://127.0.0.1:{port}");
    }

    [Fact]
    public async Task The_urls_argument_is_where_the_sample_listens()
    {
        var port = FreePort();

        var listening = await RunSampleAsync([], ["--urls", $"http://127.0.0.1:{port}"], port);

        listening.ShouldBe($"http://127.0.0.1:{port}");
    }

    /// <summary>
    /// Runs the built sample as its own process (its appsettings.json read from the sample's folder, a fresh data
    /// directory, none of the address variables of this process), waits for Kestrel's "Now listening on" line, checks that
    /// /health/live answers on <paramref name="port"/>, and returns the address Kestrel reported.
    /// </summary>
    private static async Task<string> RunSampleAsync(Dictionary<string, string> environment, string[] arguments, int port)
    {
        using var data = new TempDirectory();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = SampleDirectory(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(SampleUrls).Assembly.Location);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var variable in s_addressVariables)
        {
            start.Environment.Remove(variable);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Foundation__DataDirectory"] = data.Path;
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            string? listening = null;
            var output = new List<string>();
            while (listening is null)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
                if (line is null)
                {
                    throw new InvalidOperationException($"The sample exited before listening:\n{string.Join('\n', output)}\n{await errors}");
                }

                output.Add(line);
                const string Marker = "Now listening on: ";
                var at = line.IndexOf(Marker, StringComparison.Ordinal);
                if (at >= 0)
                {
                    listening = line[(at + Marker.Length)..].Trim();
                }
            }

            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            using var live = await client.GetAsync("/health/live", timeout.Token);
            live.StatusCode.ShouldBe(HttpStatusCode.OK);
            return listening;
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string SampleDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var sample = Path.Combine(directory.FullName, "samples", "Foundation.Sample.Web");
            if (Directory.Exists(sample))
            {
                return sample;
            }
        }

        throw new InvalidOperationException("samples/Foundation.Sample.Web is not above " + AppContext.BaseDirectory);
    }
}
