using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Foundation.Hosting.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Foundation.Hosting.Tests.Metrics;

[Trait("Category", "Integration")]
public sealed class MetricsEndpointTests
{
    private const string Key = "0123456789abcdef-metrics-key";
    private const string RemoteIpHeader = "X-Test-Remote-IP";
    private static readonly Meter s_meter = new("Foundation.Tests.Endpoint");
    private static readonly Counter<long> s_widgets = s_meter.CreateCounter<long>("foundation.tests.widgets", "{widget}", "Widgets made by the test.");

    [Fact]
    public async Task Scrape_exposes_ASP_NET_Core_and_Foundation_meters_and_passes_promtool()
    {
        await using var app = await StartAppAsync([]);
        using var client = app.GetTestClient();
        for (var i = 0; i < 3; i++)
        {
            (await client.GetStringAsync(new Uri("/hello", UriKind.Relative))).ShouldBe("hi");
        }

        s_widgets.Add(2, new KeyValuePair<string, object?>("widget.color", "blue"));

        // ASP.NET Core records the request duration as the request ends, possibly just after the client has the response.
        var text = string.Empty;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            response.Content.Headers.ContentType!.ToString().ShouldBe("text/plain; version=0.0.4; charset=utf-8");
            text = await response.Content.ReadAsStringAsync();
            if (MetricsTestSupport.Samples(text).Any(IsHelloInfBucket))
            {
                break;
            }

            await Task.Delay(50);
        }

        var samples = MetricsTestSupport.Samples(text);
        samples.ShouldContain(s => IsHelloInfBucket(s), text);
        text.ShouldContain("# TYPE http_server_request_duration_seconds histogram\n");
        text.ShouldContain("# TYPE foundation_tests_widgets_total counter\n");
        samples.ShouldContain(s => s.StartsWith("foundation_tests_widgets_total{widget_color=\"blue\"} ", StringComparison.Ordinal), text);
        text.ShouldContain("# TYPE dotnet_gc_collections_total counter\n"); // System.Runtime
        text.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).ShouldBeUnique();
        await MetricsTestSupport.ShouldPassPromtoolAsync(text);
    }

    private static bool IsHelloInfBucket(string sample) =>
        sample.StartsWith("http_server_request_duration_seconds_bucket{", StringComparison.Ordinal)
        && sample.Contains("http_route=\"/hello\"", StringComparison.Ordinal)
        && sample.EndsWith("le=\"+Inf\"} 3", StringComparison.Ordinal);

    /// <summary>
    /// What prometheus-net 8.2.1's meter bridge gets wrong (docs/decisions/0008): with its defaults, measurements made
    /// before the first scrape are lost, and a Counter is published as a gauge without <c>_total</c>.
    /// </summary>
    [Fact]
    public async Task Measurements_made_after_start_and_before_the_first_scrape_are_published_exactly_as_a_counter()
    {
        using var meter = new Meter($"Foundation.Tests.FirstScrape.{Guid.NewGuid():N}");
        var orders = meter.CreateCounter<long>("foundation.tests.first_scrape_orders", "{order}", "Orders before the first scrape.");
        await using var app = await StartAppAsync([]);
        orders.Add(5, new KeyValuePair<string, object?>("channel", "web"));
        orders.Add(2, new KeyValuePair<string, object?>("channel", "web"));

        using var client = app.GetTestClient();
        var text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        text.ShouldContain("# TYPE foundation_tests_first_scrape_orders_total counter\n");
        MetricsTestSupport.Samples(text).ShouldContain("foundation_tests_first_scrape_orders_total{channel=\"web\"} 7", text);

        orders.Add(1, new KeyValuePair<string, object?>("channel", "web"));
        text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        MetricsTestSupport.Samples(text).ShouldContain("foundation_tests_first_scrape_orders_total{channel=\"web\"} 8", text);
    }

    [Fact]
    public async Task Wrong_or_missing_key_gets_401_problem_details_and_the_right_key_200()
    {
        await using var app = await StartAppAsync(new() { ["Foundation:Hosting:Metrics:ApiKey"] = Key });
        using var client = app.GetTestClient();

        using var missing = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        await ShouldBeProblemAsync(missing, HttpStatusCode.Unauthorized);
        missing.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");

        using var wrong = await SendAsync(client, r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key + "x"));
        await ShouldBeProblemAsync(wrong, HttpStatusCode.Unauthorized);

        using var wrongHeader = await SendAsync(client, r => r.Headers.Add("X-Metrics-Key", "nope"));
        await ShouldBeProblemAsync(wrongHeader, HttpStatusCode.Unauthorized);

        using var bearer = await SendAsync(client, r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key));
        bearer.StatusCode.ShouldBe(HttpStatusCode.OK);

        using var header = await SendAsync(client, r => r.Headers.Add("X-Metrics-Key", Key));
        header.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Problem_details_go_through_IProblemDetailsService_when_registered()
    {
        await using var app = await StartAppAsync(
            new() { ["Foundation:Hosting:Metrics:ApiKey"] = Key },
            services => services.AddProblemDetails(o => o.CustomizeProblemDetails = c => c.ProblemDetails.Extensions["customized"] = true));
        using var client = app.GetTestClient();

        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));

        var json = await ShouldBeProblemAsync(response, HttpStatusCode.Unauthorized);
        json.RootElement.GetProperty("customized").GetBoolean().ShouldBeTrue();
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Forbidden)]
    [InlineData("192.168.1.10", HttpStatusCode.Forbidden)]
    [InlineData("10.1.2.3", HttpStatusCode.OK)]
    [InlineData("::ffff:10.1.2.3", HttpStatusCode.OK)]
    [InlineData("::1", HttpStatusCode.OK)]
    [InlineData("::2", HttpStatusCode.Forbidden)]
    public async Task Only_allowed_addresses_may_scrape(string? remoteIp, HttpStatusCode expected)
    {
        await using var app = await StartAppAsync(new()
        {
            ["Foundation:Hosting:Metrics:AllowedIPs:0"] = "10.0.0.0/8",
            ["Foundation:Hosting:Metrics:AllowedIPs:1"] = "::1",
        });
        using var client = app.GetTestClient();

        using var response = await SendAsync(client, r =>
        {
            if (remoteIp is not null)
            {
                r.Headers.Add(RemoteIpHeader, remoteIp);
            }
        });

        if (expected == HttpStatusCode.OK)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        else
        {
            await ShouldBeProblemAsync(response, expected);
        }
    }

    [Fact]
    public async Task Both_restrictions_must_be_satisfied()
    {
        await using var app = await StartAppAsync(new()
        {
            ["Foundation:Hosting:Metrics:AllowedIPs:0"] = "10.0.0.0/8",
            ["Foundation:Hosting:Metrics:ApiKey"] = Key,
        });
        using var client = app.GetTestClient();

        using var rightIpNoKey = await SendAsync(client, r => r.Headers.Add(RemoteIpHeader, "10.0.0.1"));
        rightIpNoKey.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var wrongIpWithKey = await SendAsync(client, r =>
        {
            r.Headers.Add(RemoteIpHeader, "11.0.0.1");
            r.Headers.Add("X-Metrics-Key", Key);
        });
        wrongIpWithKey.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        using var both = await SendAsync(client, r =>
        {
            r.Headers.Add(RemoteIpHeader, "10.0.0.1");
            r.Headers.Add("X-Metrics-Key", Key);
        });
        both.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Disabled_metrics_are_not_mapped()
    {
        await using var app = await StartAppAsync(new() { ["Foundation:Hosting:Metrics:Enabled"] = "false" });
        using var client = app.GetTestClient();

        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_path_is_configurable()
    {
        await using var app = await StartAppAsync(new() { ["Foundation:Hosting:Metrics:Path"] = "/internal/prometheus" });
        using var client = app.GetTestClient();

        using var moved = await client.GetAsync(new Uri("/internal/prometheus", UriKind.Relative));
        using var old = await client.GetAsync(new Uri("/metrics", UriKind.Relative));

        moved.StatusCode.ShouldBe(HttpStatusCode.OK);
        old.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_endpoint_is_excluded_from_rate_limiting_and_the_api_description()
    {
        await using var app = await StartAppAsync([]);
        var endpoint = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints)
            .Single(e => e.DisplayName == "Foundation Prometheus metrics");

        endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.RateLimiting.DisableRateLimitingAttribute>().ShouldNotBeNull();
        endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>()!.ExcludeFromDescription.ShouldBeTrue();
    }

    [Theory]
    [InlineData("AllowedIPs:0", "abc", "Foundation:Hosting:Metrics:AllowedIPs:0 is 'abc', not an IP address or CIDR range")]
    [InlineData("Path", "metrics", "Foundation:Hosting:Metrics:Path is 'metrics'; it must start with '/'")]
    [InlineData("ApiKey", "short", "Foundation:Hosting:Metrics:ApiKey is too short")]
    public async Task Bad_configuration_fails_start_naming_the_key(string key, string value, string message)
    {
        var builder = CreateBuilder(new() { ["Foundation:Hosting:Metrics:" + key] = value });
        await using var app = builder.Build();

        var exception = await Should.ThrowAsync<OptionsValidationException>(app.StartAsync());

        exception.Message.ShouldContain(message);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, Action<HttpRequestMessage> configure)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/metrics", UriKind.Relative));
        configure(request);
        return await client.SendAsync(request);
    }

    private static async Task<JsonDocument> ShouldBeProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        response.StatusCode.ShouldBe(status);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        json.RootElement.GetProperty("status").GetInt32().ShouldBe((int)status);
        json.RootElement.GetProperty("title").GetString().ShouldNotBeNullOrEmpty();
        json.RootElement.GetProperty("detail").GetString().ShouldNotBeNullOrEmpty();
        return json;
    }

    private static WebApplicationBuilder CreateBuilder(Dictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        MetricsRegistration.AddFoundationMetrics(builder.Services, builder.Configuration.GetSection("Foundation:Hosting"));
        services?.Invoke(builder.Services);
        return builder;
    }

    private static async Task<WebApplication> StartAppAsync(Dictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        var app = CreateBuilder(settings, services).Build();

        // TestServer leaves RemoteIpAddress null; let a test pretend to be a client address.
        app.Use((HttpContext context, RequestDelegate next) =>
        {
            if (context.Request.Headers.TryGetValue(RemoteIpHeader, out var ip))
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(ip.ToString());
            }

            return next(context);
        });
        app.MapGet("/hello", () => "hi");
        MetricsRegistration.MapFoundationMetrics(app);
        await app.StartAsync();
        return app;
    }
}
