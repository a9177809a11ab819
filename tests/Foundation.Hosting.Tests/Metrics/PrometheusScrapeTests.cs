using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Foundation.Hosting.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Foundation.Hosting.Tests.Metrics;

/// <summary>A real Prometheus server scrapes the endpoint on real Kestrel.</summary>
[Trait("Category", "Integration")]
public sealed class PrometheusScrapeTests
{
    private const string PrometheusPath = "/usr/bin/prometheus";
    private const string Key = "prometheus-scrape-test-key-0123456789";

    [Fact]
    public async Task A_real_Prometheus_scrapes_the_endpoint_with_a_bearer_key()
    {
        File.Exists(PrometheusPath).ShouldBeTrue(
            $"{PrometheusPath} is missing: install Debian's 'prometheus' package (apt-get install -y prometheus) to run the scrape test.");
        using var overall = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Foundation:Hosting:Metrics:ApiKey"] = Key });
        MetricsRegistration.AddFoundationMetrics(builder.Services, builder.Configuration.GetSection("Foundation:Hosting"));
        await using var app = builder.Build();
        MetricsRegistration.MapFoundationMetrics(app);
        await app.StartAsync(overall.Token);
        var target = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

        var directory = Directory.CreateTempSubdirectory("foundation-prometheus-");
        var prometheusPort = FreePort();
        await File.WriteAllTextAsync(
            Path.Combine(directory.FullName, "prometheus.yml"),
            $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: foundation
                metrics_path: /metrics
                authorization:
                  credentials: {Key}
                static_configs:
                  - targets: ['127.0.0.1:{target.Port}']
            """,
            overall.Token);
        var start = new ProcessStartInfo(PrometheusPath)
        {
            ArgumentList =
            {
                "--config.file=" + Path.Combine(directory.FullName, "prometheus.yml"),
                "--storage.tsdb.path=" + Path.Combine(directory.FullName, "data"),
                "--web.listen-address=127.0.0.1:" + prometheusPort.ToString(CultureInfo.InvariantCulture),
                "--log.level=warn",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var prometheus = Process.Start(start)!;
        var log = new System.Text.StringBuilder();
        prometheus.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        prometheus.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        prometheus.BeginOutputReadLine();
        prometheus.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{prometheusPort}") };
            string? up = null;
            string? samples = null;
            while (!overall.IsCancellationRequested && (up != "1" || samples is null or "0"))
            {
                await Task.Delay(500, CancellationToken.None);
                prometheus.HasExited.ShouldBeFalse($"prometheus exited with {(prometheus.HasExited ? prometheus.ExitCode : 0)}:\n{log}");
                up = await QueryAsync(http, "up{job=\"foundation\"}");
                samples = await QueryAsync(http, "scrape_samples_scraped{job=\"foundation\"}");
            }

            up.ShouldBe("1", $"Prometheus did not report the target up within 30 s; its log:\n{log}");
            int.Parse(samples!, CultureInfo.InvariantCulture).ShouldBeGreaterThan(10);
        }
        finally
        {
            if (!prometheus.HasExited)
            {
                prometheus.Kill(entireProcessTree: true);
                await prometheus.WaitForExitAsync(CancellationToken.None);
            }

            directory.Delete(recursive: true);
        }
    }

    private static async Task<string?> QueryAsync(HttpClient http, string query)
    {
        try
        {
            using var response = await http.GetAsync(new Uri("/api/v1/query?query=" + Uri.EscapeDataString(query), UriKind.Relative));
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var result = json.RootElement.GetProperty("data").GetProperty("result");
            return result.GetArrayLength() == 0 ? null : result[0].GetProperty("value")[1].GetString();
        }
        catch (HttpRequestException)
        {
            return null; // not listening yet
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
