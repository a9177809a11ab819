using System.Net;
using Foundation.Hosting.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Foundation.Hosting.Tests.Telemetry;

[Trait("Category", TestCategories.Integration)]
public sealed class OpenTelemetryExportTests
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Enabled_export_posts_metrics_and_traces_over_otlp_http_and_stops_with_the_app()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var app = await TestApp.StartAsync(o =>
        {
            o.Settings["Foundation:Hosting:OpenTelemetry:Enabled"] = "true";
            o.Settings["Foundation:Hosting:OpenTelemetry:Protocol"] = "HttpProtobuf";
            o.Settings["Foundation:Hosting:OpenTelemetry:Endpoint"] = receiver.Endpoint.ToString().TrimEnd('/');
            o.Settings["Foundation:Hosting:OpenTelemetry:MetricExportIntervalMilliseconds"] = "200";
        });
        await using (app)
        {
            using var client = app.CreateClient();
            for (var i = 0; i < 5; i++)
            {
                using var response = await client.GetAsync("/ok");
                response.StatusCode.ShouldBe(HttpStatusCode.OK);
            }

            await WaitUntilAsync(() => receiver.Count("/v1/metrics") > 0 && receiver.Count("/v1/traces") > 0);
        }

        var posts = receiver.Posts.ToList();
        foreach (var path in new[] { "/v1/metrics", "/v1/traces" })
        {
            var signal = posts.Where(p => p.Path == path).ToList();
            signal.ShouldNotBeEmpty($"no POST {path}; got: {string.Join(", ", posts.Select(p => p.Path).Distinct())}");
            signal.ShouldAllBe(p => p.ContentType == "application/x-protobuf");
            signal.ShouldAllBe(p => p.Length > 0);
        }

        // The app is disposed: its periodic metric export (every 200 ms) must be over.
        var metricsAfterDispose = receiver.Count("/v1/metrics");
        await Task.Delay(TimeSpan.FromMilliseconds(1_000));
        receiver.Count("/v1/metrics").ShouldBe(metricsAfterDispose);
    }

    [Fact]
    public async Task Export_is_off_unless_enabled_no_provider_listens()
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.CreateClient();
        using var response = await client.GetAsync("/ok");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        app.Services.GetService<MeterProvider>().ShouldBeNull();
        app.Services.GetService<TracerProvider>().ShouldBeNull();
    }

    [Fact]
    public async Task Only_the_signals_switched_on_are_exported()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var app = await TestApp.StartAsync(o =>
        {
            o.Settings["Foundation:Hosting:OpenTelemetry:Enabled"] = "true";
            o.Settings["Foundation:Hosting:OpenTelemetry:Traces"] = "false";
            o.Settings["Foundation:Hosting:OpenTelemetry:Protocol"] = "HttpProtobuf";
            o.Settings["Foundation:Hosting:OpenTelemetry:Endpoint"] = receiver.Endpoint.ToString().TrimEnd('/');
            o.Settings["Foundation:Hosting:OpenTelemetry:MetricExportIntervalMilliseconds"] = "200";
        });
        await using (app)
        {
            app.Services.GetService<TracerProvider>().ShouldBeNull();
            app.Services.GetService<MeterProvider>().ShouldNotBeNull();
            using var client = app.CreateClient();
            using var response = await client.GetAsync("/ok");
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            await WaitUntilAsync(() => receiver.Count("/v1/metrics") > 0);
        }

        receiver.Count("/v1/metrics").ShouldBeGreaterThan(0);
        receiver.Count("/v1/traces").ShouldBe(0);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + MaxWait;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return;
            }

            await Task.Delay(100);
        }
    }
}
