using System.Net;
using Foundation.Hosting.SecurityHeaders;
using Foundation.Hosting.Tests.Infrastructure;

namespace Foundation.Hosting.Tests.Sample;

[Trait("Category", TestCategories.Integration)]
public sealed class HomePageTests
{
    [Fact]
    public async Task The_home_page_is_html_and_points_to_every_endpoint()
    {
        using var factory = new SampleAppFactory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("text/html");
        html.ShouldContain("href=\"/health/live\"");
        html.ShouldContain("href=\"/health/ready\"");
        html.ShouldContain("href=\"/metrics\"");
        html.ShouldContain("href=\"/openapi/v1.json\"");
        html.ShouldContain("Production");
    }

    [Fact]
    public async Task The_openapi_document_describes_the_sample_api()
    {
        using var factory = new SampleAppFactory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/openapi/v1.json");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/json");
        var document = await response.ReadJsonAsync();
        document.GetProperty("paths").TryGetProperty("/api/v1/hello", out _).ShouldBeTrue();
        document.GetProperty("paths").TryGetProperty("/", out _).ShouldBeFalse("the home page is excluded from the description");
    }

    [Fact]
    public async Task The_stylesheet_is_served_from_the_same_origin_the_policy_allows()
    {
        using var factory = new SampleAppFactory();
        using var client = factory.CreateClient();

        using var page = await client.GetAsync("/");
        using var css = await client.GetAsync("/site.css");
        var html = await page.Content.ReadAsStringAsync();

        css.StatusCode.ShouldBe(HttpStatusCode.OK);
        css.Content.Headers.ContentType?.MediaType.ShouldBe("text/css");
        (await css.Content.ReadAsStringAsync()).ShouldContain("font-family");
        css.Header("X-Content-Type-Options").ShouldBe("nosniff");

        // The page loads only a same-origin stylesheet and nothing inline, which "default-src 'self'" permits.
        page.Header("Content-Security-Policy").ShouldBe(SecurityHeadersOptions.DefaultContentSecurityPolicy);
        html.ShouldContain("<link rel=\"stylesheet\" href=\"/site.css\">");
        html.ShouldNotContain("<style", Case.Insensitive);
        // The only scripts are the same-origin chat box and organisations panel (samples/Foundation.Sample.Web/wwwroot/chat.js,
        // orgs.js): no inline code.
        System.Text.RegularExpressions.Regex.Matches(html, "<script[^>]*>", System.Text.RegularExpressions.RegexOptions.IgnoreCase)
            .Select(m => m.Value).ShouldBe(["<script src=\"/chat.js\" defer>", "<script src=\"/orgs.js\" defer>"]);
        html.ShouldNotContain(" style=", Case.Insensitive);
    }
}
