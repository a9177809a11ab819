using System.Net;
using Foundation.Hosting.Internal;
using Foundation.Hosting.Tests.Telemetry;
using Foundation.Hosting.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Foundation.Hosting.Tests.Options;

/// <summary>A misconfiguration fails the host's start with a message naming the key.</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class OptionsValidationTests
{
    public static TheoryData<string, string[]> Misconfigurations => new()
    {
        { "Foundation:Hosting:RateLimiting:Api:PermitLimit", ["Foundation:Hosting:RateLimiting:Api:PermitLimit=0"] },
        { "Foundation:Hosting:ForwardedHeaders:TrustedProxies:0", ["Foundation:Hosting:ForwardedHeaders:TrustedProxies:0=not-an-ip"] },
        { "Foundation:Hosting:ForwardedHeaders:TrustedNetworks:0", ["Foundation:Hosting:ForwardedHeaders:TrustedNetworks:0=10.0.0.0/99"] },
        { "Foundation:Database:ConnectionString", ["Foundation:Database:Provider=PostgreSql"] },
        { "Foundation:Hosting:Cors:AllowedOrigins:0", ["Foundation:Hosting:Cors:AllowedOrigins:0=https://x.example/path"] },
        { "Foundation:Hosting:Cors:AllowCredentials", ["Foundation:Hosting:Cors:AllowedOrigins:0=*", "Foundation:Hosting:Cors:AllowCredentials=true"] },
        { "Foundation:Hosting:Health:LivePath", ["Foundation:Hosting:Health:LivePath=health"] },
    };

    [Theory]
    [MemberData(nameof(Misconfigurations))]
    public void The_sample_refuses_to_start_and_names_the_key(string key, string[] settings)
    {
        var factory = new SampleAppFactory(Parse(settings));
        try
        {
            var exception = Should.Throw<Exception>(() => factory.CreateClient());

            var messages = exception.AllMessages();
            messages.ShouldContain(key, Case.Sensitive, messages);
            messages.ShouldContain(typeof(OptionsValidationException).FullName!, Case.Sensitive, messages);
        }
        finally
        {
            DisposeQuietly(factory);
        }
    }

    [Theory]
    [MemberData(nameof(Misconfigurations))]
    public async Task A_custom_host_refuses_to_start_and_names_the_key(string key, string[] settings)
    {
        var exception = await Should.ThrowAsync<Exception>(() => TestApp.StartAsync(o =>
        {
            foreach (var (k, v) in Parse(settings))
            {
                o.Settings[k] = v;
            }
        }));

        var messages = exception.AllMessages();
        messages.ShouldContain(key, Case.Sensitive, messages);
        exception.ShouldBeOfType<OptionsValidationException>();
    }

    [Fact]
    public async Task A_host_whose_first_problem_shows_at_start_fails_in_start_async()
    {
        // The database section is not read while the pipeline is built, so this failure comes from ValidateOnStart.
        var app = TestApp.Build(o => o.Settings["Foundation:Database:Provider"] = "PostgreSql");
        await using (app)
        {
            var exception = await Should.ThrowAsync<OptionsValidationException>(() => app.App.StartAsync());
            exception.Message.ShouldContain("Foundation:Database:ConnectionString");
        }
    }

    [Fact]
    public void UseFoundation_without_AddFoundation_says_what_to_call()
    {
        var exception = Should.Throw<InvalidOperationException>(() => TestApp.Build(o => o.AddFoundationCalls = 0));

        exception.Message.ShouldContain("AddFoundation(builder.Configuration)");
        exception.Message.ShouldContain("UseFoundation()");
    }

    [Fact]
    public async Task AddFoundation_twice_is_harmless()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var app = await TestApp.StartAsync(o =>
        {
            o.AddFoundationCalls = 2;
            o.Settings["Foundation:Hosting:OpenTelemetry:Enabled"] = "true";
            o.Settings["Foundation:Hosting:OpenTelemetry:Protocol"] = "HttpProtobuf";
            o.Settings["Foundation:Hosting:OpenTelemetry:Endpoint"] = receiver.Endpoint.ToString().TrimEnd('/');
        });
        using var client = app.CreateClient();

        using var ok = await client.GetAsync("/ok");
        using var ready = await client.GetAsync("/health/ready");

        ok.StatusCode.ShouldBe(HttpStatusCode.OK);
        ok.Headers.GetValues("X-Frame-Options").ShouldBe(["DENY"]);
        ok.Headers.GetValues(HttpAssertions.RequestIdHeader).Count().ShouldBe(1);
        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        // One OpenTelemetry.Extensions.Hosting start-up service, one meter provider and one tracer provider: a second
        // AddFoundation does not export everything twice.
        app.Services.GetServices<IHostedService>().Count(s => s.GetType().Assembly == typeof(OpenTelemetryBuilder).Assembly).ShouldBe(1);
        app.Services.GetServices<MeterProvider>().Count().ShouldBe(1);
        app.Services.GetServices<TracerProvider>().Count().ShouldBe(1);
        app.Services.GetServices<IValidateOptions<HostingOptions>>().OfType<HostingOptionsValidator>().Count().ShouldBe(1);
    }

    private static Dictionary<string, string?> Parse(string[] settings) =>
        settings.Select(s => s.Split('=', 2)).ToDictionary(p => p[0], p => (string?)p[1], StringComparer.OrdinalIgnoreCase);

    private static void DisposeQuietly(SampleAppFactory disposable)
    {
        try
        {
            disposable.Dispose();
        }
        catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException or AggregateException or ObjectDisposedException)
        {
            // A host that never started may fail to stop; that is not what these tests are about.
        }
    }
}
