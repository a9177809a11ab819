using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Foundation.Hosting.Metrics.Internal;

namespace Foundation.Hosting.Tests.Metrics;

/// <summary>A meter with a unique name and a collector that listens to it alone.</summary>
internal sealed class IsolatedMeter : IDisposable
{
    public IsolatedMeter(int maxSeriesPerInstrument = PrometheusMetricsCollector.DefaultMaxSeriesPerInstrument)
    {
        Name = "Foundation.Tests." + Guid.NewGuid().ToString("N");
        Meter = new Meter(Name);
        Collector = new PrometheusMetricsCollector(m => m.Name == Name, maxSeriesPerInstrument: maxSeriesPerInstrument);
    }

    public string Name { get; }

    public Meter Meter { get; }

    public PrometheusMetricsCollector Collector { get; }

    public string Scrape() => MetricsTestSupport.Scrape(Collector);

    public void Dispose()
    {
        Collector.Dispose();
        Meter.Dispose();
    }
}

internal static class MetricsTestSupport
{
    public const string PromtoolPath = "/usr/bin/promtool";

    public static string Scrape(PrometheusMetricsCollector collector)
    {
        var buffer = new ArrayBufferWriter<byte>();
        collector.WriteTo(buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The sample lines (no comments) of the exposition.</summary>
    public static string[] Samples(string exposition) =>
        exposition.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).ToArray();

    /// <summary>Runs <c>promtool check metrics</c> on the text; fails (never skips) when promtool is not installed.</summary>
    public static async Task<(int ExitCode, string Output)> PromtoolCheckAsync(string exposition)
    {
        File.Exists(PromtoolPath).ShouldBeTrue(
            $"{PromtoolPath} is missing: install Debian's 'prometheus' package (apt-get install -y prometheus) to validate the exposition.");
        var start = new ProcessStartInfo(PromtoolPath)
        {
            ArgumentList = { "check", "metrics" },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(exposition);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, ((await stdout) + (await stderr)).Trim());
    }

    /// <summary>Asserts promtool accepts the text with exit code 0 and no lint findings.</summary>
    public static async Task ShouldPassPromtoolAsync(string exposition)
    {
        var (exitCode, output) = await PromtoolCheckAsync(exposition);
        exitCode.ShouldBe(0, $"promtool check metrics failed:\n{output}\n--- exposition ---\n{exposition}");
        output.ShouldBeEmpty($"promtool check metrics reported lint findings:\n{output}\n--- exposition ---\n{exposition}");
    }
}
