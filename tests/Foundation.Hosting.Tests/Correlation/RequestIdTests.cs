using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Foundation.Hosting.Tests.Infrastructure;
using Microsoft.Extensions.Primitives;

namespace Foundation.Hosting.Tests.Correlation;

[Trait("Category", TestCategories.Integration)]
public sealed partial class RequestIdTests
{
    private const string Header = HttpAssertions.RequestIdHeader;

    [Fact]
    public async Task Without_an_id_a_new_one_is_generated()
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.CreateClient();

        using var first = await client.GetAsync("/ok");
        using var second = await client.GetAsync("/ok");

        var id = first.Header(Header);
        id.ShouldNotBeNull();
        GeneratedId().IsMatch(id).ShouldBeTrue($"'{id}' is not 32 lower-case hex digits");
        second.Header(Header).ShouldNotBe(id);
    }

    [Theory]
    [InlineData("abc.DEF_1-2")]
    [InlineData("7")]
    [InlineData("0f8fad5b-d9cb-469f-a165-70867728950e")]
    public async Task A_well_formed_id_is_echoed(string incoming)
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.CreateClient();

        using var response = await SendWithIdAsync(client, "/ok", incoming);

        response.Header(Header).ShouldBe(incoming);
    }

    [Fact]
    public async Task An_id_of_exactly_128_characters_is_kept()
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.CreateClient();
        var incoming = new string('a', 64) + new string('Z', 63) + "9";

        using var response = await SendWithIdAsync(client, "/ok", incoming);

        incoming.Length.ShouldBe(128);
        response.Header(Header).ShouldBe(incoming);
    }

    [Fact]
    public async Task An_id_of_129_characters_is_replaced()
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.CreateClient();
        var incoming = new string('a', 129);

        using var response = await SendWithIdAsync(client, "/ok", incoming);

        ShouldBeGenerated(response.Header(Header), incoming);
    }

    [Theory]
    [InlineData("abc def")]
    [InlineData("abc/def")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("caf\u00e9")]
    [InlineData("abc,def")]
    [InlineData("abc\u0000def")]
    public async Task An_id_with_characters_outside_the_token_set_is_replaced(string incoming)
    {
        await using var app = await TestApp.StartAsync();

        // Sent through the server directly, so no client-side header validation stands between the value and the app.
        var context = await app.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/ok";
            c.Request.Headers[Header] = incoming;
        });

        context.Response.StatusCode.ShouldBe(200);
        ShouldBeGenerated(context.Response.Headers[Header].ToString(), incoming);
    }

    [Fact]
    public async Task Two_header_values_are_replaced()
    {
        await using var app = await TestApp.StartAsync();

        var context = await app.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = "/ok";
            c.Request.Headers[Header] = new StringValues(["first-id", "second-id"]);
        });

        context.Response.StatusCode.ShouldBe(200);
        var echoed = context.Response.Headers[Header];
        echoed.Count.ShouldBe(1);
        ShouldBeGenerated(echoed.ToString(), "first-id");
        echoed.ToString().ShouldNotBe("second-id");
    }

    [Fact]
    public async Task The_id_is_in_problem_bodies_and_equals_the_header()
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.CreateClient();

        using var notFound = await client.GetAsync("/no-such-page");
        using var failed = await SendWithIdAsync(client, "/throw", "incident-42");

        var notFoundBody = await notFound.ShouldBeProblemAsync(404);
        notFoundBody.GetProperty("requestId").GetString().ShouldBe(notFound.Header(Header));
        var failedBody = await failed.ShouldBeProblemAsync(500);
        failedBody.GetProperty("requestId").GetString().ShouldBe("incident-42");
        failed.Header(Header).ShouldBe("incident-42");
    }

    [Fact]
    public async Task The_id_is_the_trace_identifier_and_is_tagged_on_the_request_activity()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var app = await TestApp.StartAsync();
        using var client = app.CreateClient();

        using var response = await SendWithIdAsync(client, "/diagnostics", "trace-me.1");
        var view = await response.Content.ReadFromJsonAsync<DiagnosticsView>();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        view.ShouldNotBeNull();
        view.TraceIdentifier.ShouldBe("trace-me.1");
        view.FeatureRequestId.ShouldBe("trace-me.1");
        view.ActivitySource.ShouldBe("Microsoft.AspNetCore");
        view.ActivityTag.ShouldBe("trace-me.1");
        stopped.ShouldContain(a => a.OperationName == "Microsoft.AspNetCore.Hosting.HttpRequestIn"
            && (a.GetTagItem("http.request.id") as string) == "trace-me.1");
    }

    [Fact]
    public async Task A_generated_id_is_the_trace_identifier_too()
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/diagnostics");
        var view = await response.Content.ReadFromJsonAsync<DiagnosticsView>();

        view.ShouldNotBeNull();
        view.TraceIdentifier.ShouldBe(response.Header(Header));
    }

    [Fact]
    public async Task Logs_written_in_a_request_carry_the_request_id_scope()
    {
        var logs = new RecordingLoggerProvider();
        await using var app = await TestApp.StartAsync(o => o.Logs = logs);
        using var client = app.CreateClient();

        using var response = await SendWithIdAsync(client, "/log", "log-scope-1");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var entry = logs.Entries.Single(e => e.Category == TestApp.EndpointLogCategory);
        entry.ScopeValue("RequestId").ShouldBe("log-scope-1");
        entry.HasScopeKey("UserId").ShouldBeTrue();
        entry.ScopeValue("UserId").ShouldBeNull();
        entry.ScopeValue("TenantId").ShouldBeNull();
    }

    [Fact]
    public async Task Logs_carry_user_and_tenant_once_the_caller_is_authenticated()
    {
        var logs = new RecordingLoggerProvider();
        await using var app = await TestApp.StartAsync(o => o.Logs = logs);
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/log");
        request.Headers.Add(Header, "log-scope-2");
        request.Headers.Add(TestApp.UserHeader, "user-17");
        request.Headers.Add(TestApp.TenantHeader, "tenant-acme");

        using var response = await client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var entry = logs.Entries.Single(e => e.Category == TestApp.EndpointLogCategory);
        entry.ScopeValue("RequestId").ShouldBe("log-scope-2");
        entry.ScopeValue("UserId").ShouldBe("user-17");
        entry.ScopeValue("TenantId").ShouldBe("tenant-acme");
    }

    private static async Task<HttpResponseMessage> SendWithIdAsync(HttpClient client, string path, string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation(Header, id);
        return await client.SendAsync(request);
    }

    private static void ShouldBeGenerated(string? actual, string rejected)
    {
        actual.ShouldNotBeNull();
        actual.ShouldNotBe(rejected);
        GeneratedId().IsMatch(actual).ShouldBeTrue($"'{actual}' is not a generated id");
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex GeneratedId();
}
