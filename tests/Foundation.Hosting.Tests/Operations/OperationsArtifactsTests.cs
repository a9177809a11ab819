using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Foundation.Audit.Diagnostics;
using Foundation.Costing.Diagnostics;
using Foundation.Hosting.Internal;
using Foundation.Hosting.Metrics;
using Foundation.Hosting.Metrics.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Foundation.Hosting.Tests.Operations;

/// <summary>The alert rules and the Grafana dashboard under deploy/ (docs/operations.md) stay valid and name only real metrics.</summary>
public sealed partial class OperationsArtifactsTests
{
    private const string Promtool = "/usr/bin/promtool";

    private static string RepoFile(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Foundation.sln")))
        {
            dir = dir.Parent;
        }

        dir.ShouldNotBeNull("Foundation.sln not found above the test output directory");
        return Path.Combine([dir.FullName, .. parts]);
    }

    [Fact]
    public async Task Alert_rules_pass_promtool_check_and_unit_tests()
    {
        File.Exists(Promtool).ShouldBeTrue($"{Promtool} is missing: eng/test.sh installs it (Debian package prometheus).");
        var rules = RepoFile("deploy", "prometheus", "foundation-alerts.yml");
        var (checkCode, checkOut) = await RunAsync(Promtool, "check", "rules", rules);
        checkCode.ShouldBe(0, checkOut);
        checkOut.ShouldContain("SUCCESS");
        var (testCode, testOut) = await RunAsync(Promtool, "test", "rules", RepoFile("deploy", "prometheus", "foundation-alerts.test.yml"));
        testCode.ShouldBe(0, testOut);
        testOut.ShouldContain("SUCCESS");
    }

    [Fact]
    public async Task Dashboard_and_alerts_name_only_metrics_the_suite_exports()
    {
        var exported = new HashSet<string>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                var type = instrument.GetType().Name switch
                {
                    var n when n.StartsWith("Histogram", StringComparison.Ordinal) => PrometheusType.Histogram,
                    var n when n.StartsWith("Counter", StringComparison.Ordinal) || n.StartsWith("ObservableCounter", StringComparison.Ordinal) => PrometheusType.Counter,
                    _ => PrometheusType.Gauge,
                };
                lock (exported)
                {
                    exported.Add(PrometheusNaming.FamilyName(instrument.Name, instrument.Unit, type));
                }
            },
        };
        listener.Start();

        // A real host: its /metrics scrape supplies ASP.NET Core's names; the suite's instruments are published as their packages create them.
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        MetricsRegistration.AddFoundationMetrics(builder.Services, builder.Configuration.GetSection("Foundation:Hosting"));
        builder.Services.AddSingleton<CostingTelemetry>(sp => new CostingTelemetry(sp.GetRequiredService<IMeterFactory>()));
        builder.Services.AddSingleton<AuditTelemetry>(sp => new AuditTelemetry(sp.GetRequiredService<IMeterFactory>()));
        builder.Services.AddSingleton<Foundation.Storage.Diagnostics.StorageTelemetry>(sp => new Foundation.Storage.Diagnostics.StorageTelemetry(sp.GetRequiredService<IMeterFactory>()));
        await using var app = builder.Build();
        app.MapGet("/hello", () => "hi");
        MetricsRegistration.MapFoundationMetrics(app);
        await app.StartAsync();
        app.Services.GetRequiredService<CostingTelemetry>().ShouldNotBeNull();
        app.Services.GetRequiredService<AuditTelemetry>().ShouldNotBeNull();
        app.Services.GetRequiredService<Foundation.Storage.Diagnostics.StorageTelemetry>().ShouldNotBeNull();
        HostingTelemetry.RateLimitRejections.Enabled.ShouldBeTrue();
        using var client = app.GetTestClient();
        (await client.GetStringAsync(new Uri("/hello", UriKind.Relative))).ShouldBe("hi");
        var scrape = string.Empty;
        for (var i = 0; i < 200 && !scrape.Contains("# TYPE http_server_request_duration_seconds histogram", StringComparison.Ordinal); i++)
        {
            scrape = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            await Task.Delay(25);
        }

        foreach (var line in scrape.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)))
        {
            exported.Add(line.Split(' ')[2]);
        }

        scrape.ShouldContain("# TYPE http_server_request_duration_seconds histogram");

        var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(RepoFile("deploy", "grafana", "foundation-dashboard.json")));
        var expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)
            .ToList();
        expressions.Count.ShouldBeGreaterThan(10);
        var rules = await File.ReadAllTextAsync(RepoFile("deploy", "prometheus", "foundation-alerts.yml"));
        expressions.Add(string.Join('\n', rules.Split('\n').Where(l => !l.TrimStart().StartsWith('#') && !l.Contains("summary:", StringComparison.Ordinal) && !l.Contains("description:", StringComparison.Ordinal))));

        var used = expressions.SelectMany(e => MetricName().Matches(Regex.Replace(e, @"\b(?:by|without|on|ignoring)\s*\([^)]*\)|\{[^}]*\}", " ")).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);
        used.ShouldContain("foundation_costing_budget_utilisation_ratio");
        foreach (var name in used)
        {
            var family = Regex.Replace(name, "_(bucket|count|sum)$", string.Empty);
            (exported.Contains(name) || exported.Contains(family)).ShouldBeTrue($"{name} is not a metric the suite exports");
        }
    }

    // Metric names in the expressions: the suite's and ASP.NET Core's prefixes (labels and functions are lower-case words without them).
    [GeneratedRegex(@"\b(?:foundation|http|kestrel|dotnet|aspnetcore)_[A-Za-z0-9_]+\b(?!\s*=)")]
    private static partial Regex MetricName();

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
