using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Foundation.Hosting.Tests.Infrastructure;

namespace Foundation.Hosting.Tests.Errors;

/// <summary>RFC 9457 answers for 4xx and 5xx, the exception policy per environment, CORS and allowed hosts.</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class ProblemDetailsTests
{
    [Fact]
    public async Task A_missing_page_on_the_sample_is_a_404_problem()
    {
        using var factory = new SampleAppFactory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/no/such/page");

        var body = await response.ShouldBeProblemAsync(404);
        body.Text("title").ShouldBe("Not Found");
        body.Text("instance").ShouldBe("/no/such/page");
        body.Text("requestId").ShouldBe(response.Header(HttpAssertions.RequestIdHeader));
    }

    [Fact]
    public async Task An_exception_in_production_is_a_500_problem_that_reveals_nothing()
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/throw");

        var text = await response.Content.ReadAsStringAsync();
        var body = await response.ShouldBeProblemAsync(500);
        body.Text("title").ShouldBe("An unexpected error occurred");
        body.Text("instance").ShouldBe("/throw");
        body.Text("requestId").ShouldBe(response.Header(HttpAssertions.RequestIdHeader));
        body.TryGetProperty("exception", out _).ShouldBeFalse();
        text.ShouldNotContain(TestApp.ThrownMessage);
        text.ShouldNotContain("InvalidOperationException");
        text.ShouldNotContain("stackTrace", Case.Insensitive);
        text.ShouldNotContain(" at ");
        text.ShouldNotContain(".cs:line");
    }

    [Fact]
    public async Task An_exception_in_development_includes_the_exception()
    {
        await using var app = await TestApp.StartAsync(o => o.Environment = "Development");
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/throw");

        var body = await response.ShouldBeProblemAsync(500);
        var exception = body.GetProperty("exception");
        exception.Text("type").ShouldBe(typeof(InvalidOperationException).FullName);
        exception.Text("message").ShouldBe(TestApp.ThrownMessage);
        exception.Text("stackTrace").ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Exception_details_can_be_turned_off_in_development()
    {
        await using var app = await TestApp.StartAsync(o =>
        {
            o.Environment = "Development";
            o.Settings["Foundation:Hosting:Errors:IncludeExceptionDetails"] = "false";
        });
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/throw");

        var body = await response.ShouldBeProblemAsync(500);
        body.TryGetProperty("exception", out _).ShouldBeFalse();
    }

    [Theory]
    [InlineData("Production", "{\"text\": \"hi\", \"count\": ")]
    [InlineData("Development", "{\"text\": \"hi\", \"count\": ")]
    [InlineData("Production", "{\"text\": \"hi\", \"count\": \"many\"}")]
    [InlineData("Development", "{\"text\": \"hi\", \"count\": \"many\"}")]
    [InlineData("Production", "")]
    [InlineData("Development", "")]
    public async Task Malformed_json_is_a_400_problem_never_a_500(string environment, string json)
    {
        await using var app = await TestApp.StartAsync(o => o.Environment = environment);
        using var client = app.CreateClient();
        using var content = new StringContent(json, Encoding.UTF8, "application/json");

        using var response = await client.PostAsync("/echo", content);

        var body = await response.ShouldBeProblemAsync(400);
        body.Text("requestId").ShouldBe(response.Header(HttpAssertions.RequestIdHeader));
    }

    [Fact]
    public async Task Well_formed_json_is_accepted_by_the_same_endpoint()
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.CreateClient();
        using var content = new StringContent("{\"text\": \"hi\", \"count\": 2}", Encoding.UTF8, "application/json");

        using var response = await client.PostAsync("/echo", content);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.ReadJsonAsync();
        body.Text("text").ShouldBe("hi");
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public async Task A_wrong_content_type_is_a_415_problem(string environment)
    {
        await using var app = await TestApp.StartAsync(o => o.Environment = environment);
        using var client = app.CreateClient();
        using var content = new StringContent("text=hi", Encoding.UTF8, "text/plain");

        using var response = await client.PostAsync("/echo", content);

        var body = await response.ShouldBeProblemAsync(415);
        body.Text("requestId").ShouldBe(response.Header(HttpAssertions.RequestIdHeader));
    }

    [Fact]
    public async Task Cors_allows_no_origin_by_default()
    {
        using var factory = new SampleAppFactory();
        using var client = factory.CreateClient();

        using var preflight = await client.SendAsync(Preflight("https://evil.example"));
        using var simple = await client.SendAsync(WithOrigin("https://evil.example"));

        preflight.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
        preflight.Headers.Contains("Access-Control-Allow-Methods").ShouldBeFalse();
        simple.StatusCode.ShouldBe(HttpStatusCode.OK);
        simple.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
    }

    [Fact]
    public async Task Cors_allows_a_configured_origin_and_exposes_the_request_id()
    {
        using var factory = new SampleAppFactory(new Dictionary<string, string?>
        {
            ["Foundation:Hosting:Cors:AllowedOrigins:0"] = "https://app.example",
        });
        using var client = factory.CreateClient();

        using var preflight = await client.SendAsync(Preflight("https://app.example"));
        using var simple = await client.SendAsync(WithOrigin("https://app.example"));
        using var other = await client.SendAsync(Preflight("https://evil.example"));

        preflight.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        preflight.Header("Access-Control-Allow-Origin").ShouldBe("https://app.example");
        preflight.Header("Access-Control-Allow-Methods").ShouldNotBeNull().ShouldContain("GET");
        simple.StatusCode.ShouldBe(HttpStatusCode.OK);
        simple.Header("Access-Control-Allow-Origin").ShouldBe("https://app.example");
        simple.Header("Access-Control-Expose-Headers").ShouldNotBeNull().ShouldContain(HttpAssertions.RequestIdHeader);
        other.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
    }

    [Fact]
    public async Task A_host_outside_allowed_hosts_is_refused_by_the_sample()
    {
        using var factory = new SampleAppFactory();
        using var evil = factory.CreateClient(new() { BaseAddress = new Uri("http://evil.example/") });
        using var local = factory.CreateClient(new() { BaseAddress = new Uri("http://127.0.0.1/") });

        using var refused = await evil.GetAsync("/api/v1/hello");
        using var allowed = await local.GetAsync("/api/v1/hello");

        var problem = await refused.ShouldBeProblemAsync(400);
        problem.Text("requestId").ShouldBe(refused.Header(HttpAssertions.RequestIdHeader));
        allowed.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public async Task A_json_value_of_the_wrong_type_is_named_by_its_path(string environment)
    {
        await using var app = await TestApp.StartAsync(o => o.Environment = environment);
        using var client = app.CreateClient();
        using var content = new StringContent("{\"text\": \"hi\", \"count\": \"many\"}", Encoding.UTF8, "application/json");

        using var response = await client.PostAsync("/echo", content);

        var body = await response.ShouldBeProblemAsync(400);
        body.Text("jsonPath").ShouldBe("$.count");
        body.Text("detail").ShouldNotBeNull().ShouldContain("$.count");
        body.TryGetProperty("exception", out _).ShouldBeFalse();
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/hello");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "x-request-id");
        return request;
    }

    private static HttpRequestMessage WithOrigin(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/hello");
        request.Headers.Add("Origin", origin);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }
}
