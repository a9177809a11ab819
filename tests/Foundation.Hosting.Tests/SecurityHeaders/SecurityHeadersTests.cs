using System.Net;
using Foundation.Hosting.SecurityHeaders;
using Foundation.Hosting.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Hosting.Tests.SecurityHeaders;

[Trait("Category", TestCategories.Integration)]
public sealed class SecurityHeadersTests
{
    private const string Csp = "Content-Security-Policy";
    private const string CspReportOnly = "Content-Security-Policy-Report-Only";

    [Theory]
    [InlineData("/ok", 200)]
    [InlineData("/no-such-page", 404)]
    [InlineData("/throw", 500)]
    public async Task Every_answer_carries_the_default_headers(string path, int status)
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.CreateClient();

        using var response = await client.GetAsync(path);

        ((int)response.StatusCode).ShouldBe(status);
        if (status >= 400)
        {
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        }

        ShouldHaveDefaultHeaders(response);
    }

    [Fact]
    public async Task The_sample_home_page_carries_the_default_headers()
    {
        using var factory = new SampleAppFactory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        ShouldHaveDefaultHeaders(response);
    }

    [Fact]
    public async Task A_path_override_replaces_the_policy_and_the_longest_prefix_wins()
    {
        await using var app = await TestApp.StartAsync(o =>
        {
            o.Settings["Foundation:Hosting:SecurityHeaders:ContentSecurityPolicyOverrides:/docs"] = "default-src 'self' https://cdn.example";
            o.Settings["Foundation:Hosting:SecurityHeaders:ContentSecurityPolicyOverrides:/docs/api"] = "default-src 'none'";
        });
        using var client = app.CreateClient();

        using var docs = await client.GetAsync("/docs/guide");
        using var docsRoot = await client.GetAsync("/docs");
        using var docsApi = await client.GetAsync("/docs/api/reference");
        using var other = await client.GetAsync("/ok");
        using var lookalike = await client.GetAsync("/docsearch");

        docs.StatusCode.ShouldBe(HttpStatusCode.OK);
        docs.Header(Csp).ShouldBe("default-src 'self' https://cdn.example");
        docsRoot.Header(Csp).ShouldBe("default-src 'self' https://cdn.example");
        docsApi.Header(Csp).ShouldBe("default-src 'none'");
        other.Header(Csp).ShouldBe(SecurityHeadersOptions.DefaultContentSecurityPolicy);
        lookalike.Header(Csp).ShouldBe(SecurityHeadersOptions.DefaultContentSecurityPolicy);
    }

    [Fact]
    public async Task Report_only_sends_the_policy_under_the_report_only_header()
    {
        await using var app = await TestApp.StartAsync(o => o.Settings["Foundation:Hosting:SecurityHeaders:ContentSecurityPolicyReportOnly"] = "true");
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/ok");

        response.Header(CspReportOnly).ShouldBe(SecurityHeadersOptions.DefaultContentSecurityPolicy);
        response.Header(Csp).ShouldBeNull();
    }

    [Fact]
    public async Task An_emptied_header_is_not_sent_and_the_others_still_are()
    {
        await using var app = await TestApp.StartAsync(o =>
        {
            o.Settings["Foundation:Hosting:SecurityHeaders:FrameOptions"] = string.Empty;
            o.Settings["Foundation:Hosting:SecurityHeaders:ContentSecurityPolicy"] = string.Empty;
        });
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/ok");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Header("X-Frame-Options").ShouldBeNull();
        response.Header(Csp).ShouldBeNull();
        response.Header("X-Content-Type-Options").ShouldBe("nosniff");
        response.Header("Referrer-Policy").ShouldBe("strict-origin-when-cross-origin");
    }

    [Fact]
    public async Task Hsts_is_sent_on_https_to_a_real_host_name_in_production()
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.CreateClient(new Uri("https://app.example/"));

        using var response = await client.GetAsync("/ok");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var hsts = response.Header("Strict-Transport-Security");
        hsts.ShouldNotBeNull();
        hsts.ShouldContain("max-age=31536000");
        hsts.ShouldContain("includeSubDomains");
    }

    [Fact]
    public async Task Hsts_is_not_sent_in_development()
    {
        await using var app = await TestApp.StartAsync(o => o.Environment = "Development");
        using var client = app.CreateClient(new Uri("https://app.example/"));

        using var response = await client.GetAsync("/ok");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Header("Strict-Transport-Security").ShouldBeNull();
        response.Header("X-Frame-Options").ShouldBe("DENY");
    }

    [Fact]
    public async Task Hsts_is_not_sent_over_plain_http()
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.CreateClient(new Uri("http://app.example/"));

        using var response = await client.GetAsync("/ok");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Header("Strict-Transport-Security").ShouldBeNull();
        response.Header("X-Frame-Options").ShouldBe("DENY");
    }

    [Fact]
    public async Task The_sample_on_real_kestrel_sends_no_server_header()
    {
        using var factory = new SampleAppFactory(new Dictionary<string, string?> { ["Urls"] = "http://127.0.0.1:0" });
        factory.UseKestrel(0);
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address) };

        using var ok = await client.GetAsync("/");
        using var missing = await client.GetAsync("/no-such-page");

        ok.StatusCode.ShouldBe(HttpStatusCode.OK);
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        ok.Headers.Server.ShouldBeEmpty();
        missing.Headers.Server.ShouldBeEmpty();
        ok.Header("X-Frame-Options").ShouldBe("DENY");
    }

    [Fact]
    public async Task Kestrel_sends_a_server_header_when_removal_is_turned_off()
    {
        // The control for the test above: proves that a real Kestrel socket would show the header.
        await using var app = await TestApp.StartAsync(o =>
        {
            o.UseKestrel = true;
            o.Settings["Foundation:Hosting:SecurityHeaders:RemoveServerHeader"] = "false";
        });
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/ok");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.Server.ShouldNotBeEmpty();
    }

    private static void ShouldHaveDefaultHeaders(HttpResponseMessage response)
    {
        response.Header(Csp).ShouldBe(SecurityHeadersOptions.DefaultContentSecurityPolicy);
        var csp = response.Header(Csp)!;
        csp.ShouldContain("default-src 'self'");
        csp.ShouldContain("object-src 'none'");
        csp.ShouldContain("frame-ancestors 'none'");
        response.Header("X-Frame-Options").ShouldBe("DENY");
        response.Header("X-Content-Type-Options").ShouldBe("nosniff");
        response.Header("Referrer-Policy").ShouldBe("strict-origin-when-cross-origin");
        var permissions = response.Header("Permissions-Policy");
        permissions.ShouldNotBeNull();
        permissions.ShouldContain("camera=()");
        permissions.ShouldContain("microphone=()");
        permissions.ShouldContain("geolocation=()");
        response.Header("Cross-Origin-Opener-Policy").ShouldBe("same-origin");
        response.Headers.Server.ShouldBeEmpty();
        response.Header("Server").ShouldBeNull();
    }
}
