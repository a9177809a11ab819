using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Foundation.Hosting.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Hosting.Tests.Sample;

/// <summary>Issue 11 item 7: the OpenAPI document covers every endpoint, the OpenAI-compatible <c>/v1</c> surface included.</summary>
[Trait("Category", TestCategories.Integration)]
public sealed class OpenApiDocumentTests
{
    /// <summary>Operational endpoints a scraper or an orchestrator calls; not part of the API reference.</summary>
    private static readonly string[] Operational = ["/health/live", "/health/ready", "/metrics"];

    [Fact]
    public async Task Every_endpoint_of_the_sample_is_in_the_document_with_its_method()
    {
        using var factory = new SampleAppFactory();
        using var client = factory.CreateClient();
        var paths = (await GetDocumentAsync(client)).GetProperty("paths");

        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>() is not null)
            .Select(e => (Route: DocumentPath(e.RoutePattern.RawText!), Methods: e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods))
            .Where(e => !Operational.Contains(e.Route, StringComparer.Ordinal) && !e.Route.StartsWith("/openapi/", StringComparison.Ordinal))
            .ToList();
        endpoints.Count.ShouldBeGreaterThan(40);

        var missing = new List<string>();
        foreach (var (route, methods) in endpoints)
        {
            foreach (var method in methods)
            {
                if (!paths.TryGetProperty(route, out var path) || !path.TryGetProperty(method.ToLowerInvariant(), out _))
                {
                    missing.Add($"{method} {route}");
                }
            }
        }

        missing.ShouldBeEmpty("endpoints missing from /openapi/v1.json");
    }

    [Fact]
    public async Task The_OpenAI_compatible_surface_is_described_with_request_and_response_schemas()
    {
        using var factory = new SampleAppFactory();
        using var client = factory.CreateClient();
        var document = await GetDocumentAsync(client);

        var completions = document.GetProperty("paths").GetProperty("/v1/chat/completions").GetProperty("post");
        var request = Resolve(document, completions.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        request.GetProperty("properties").EnumerateObject().Select(p => p.Name)
            .ShouldBe(["model", "messages", "stream", "stream_options", "max_tokens", "max_completion_tokens", "temperature", "top_p",
                "frequency_penalty", "presence_penalty", "seed", "stop", "n", "user", "tools", "tool_choice", "parallel_tool_calls",
                "response_format"], ignoreOrder: true);

        var responses = completions.GetProperty("responses");
        var ok = responses.GetProperty("200").GetProperty("content");
        ok.TryGetProperty("text/event-stream", out _).ShouldBeTrue("streaming answers are described");
        var completion = Resolve(document, ok.GetProperty("application/json").GetProperty("schema"));
        var usage = Resolve(document, completion.GetProperty("properties").GetProperty("usage"));
        usage.GetProperty("properties").TryGetProperty("prompt_tokens_details", out _).ShouldBeTrue();
        foreach (var status in new[] { "400", "401", "402", "404", "429", "502" })
        {
            var error = Resolve(document, responses.GetProperty(status).GetProperty("content").GetProperty("application/json").GetProperty("schema"));
            error.GetProperty("properties").TryGetProperty("error", out _).ShouldBeTrue($"{status} is in OpenAI's error shape");
        }

        var models = document.GetProperty("paths").GetProperty("/v1/models").GetProperty("get");
        Resolve(document, models.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema"))
            .GetProperty("properties").TryGetProperty("data", out _).ShouldBeTrue();
    }

    /// <summary>The described shapes are the ones the gateway really writes (the document cannot drift from the wire).</summary>
    [Fact]
    public async Task The_gateway_answers_with_exactly_the_described_fields()
    {
        using var host = new Foundation.Hosting.Tests.Llm.LlmTestHost();
        using var client = host.CreateClient();
        var document = await GetDocumentAsync(client);
        var key = await host.ApiKeyAsync(client);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = "chat", messages = new[] { new { role = "user", content = "Hello" } }, max_tokens = 8, user = "docs" }),
        };
        request.Headers.Authorization = new("Bearer", key);
        using var response = await client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.ReadJsonAsync();

        var schema = Resolve(document, document.GetProperty("paths").GetProperty("/v1/chat/completions").GetProperty("post")
            .GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        AssertSameFields(document, schema, body, "chat.completion");
    }

    [Fact]
    public async Task The_API_reference_is_linked_from_the_home_page_and_its_inline_script_is_allowed_by_hash_only()
    {
        using var factory = new SampleAppFactory();
        using var client = factory.CreateClient();

        (await client.GetStringAsync("/")).ShouldContain("href=\"/scalar/\"");
        using var page = await client.GetAsync("/scalar/");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await page.Content.ReadAsStringAsync();
        var policy = page.Header("Content-Security-Policy").ShouldNotBeNull();
        var scriptSources = policy.Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("script-src ", StringComparison.Ordinal));
        scriptSources.ShouldNotContain("'unsafe-inline'");

        var inline = System.Text.RegularExpressions.Regex.Matches(html, "<script(?![^>]*\\bsrc=)[^>]*>(.*?)</script>", System.Text.RegularExpressions.RegexOptions.Singleline);
        inline.Count.ShouldBeGreaterThan(0);
        foreach (System.Text.RegularExpressions.Match script in inline)
        {
            var hash = $"'sha256-{Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(script.Groups[1].Value)))}'";
            scriptSources.ShouldContain(hash, Case.Sensitive, $"the page's inline script changed (Scalar upgraded?): put {hash} into the /scalar policy in the sample's appsettings.json");
        }

        // Every script the page loads comes from the app itself.
        foreach (System.Text.RegularExpressions.Match source in System.Text.RegularExpressions.Regex.Matches(html, "<script[^>]*\\bsrc=\"([^\"]+)\""))
        {
            using var asset = await client.GetAsync(new Uri(new Uri("http://localhost/scalar/"), source.Groups[1].Value));
            asset.StatusCode.ShouldBe(HttpStatusCode.OK, source.Groups[1].Value);
        }
    }

    private static void AssertSameFields(JsonElement document, JsonElement schema, JsonElement value, string where)
    {
        schema = Resolve(document, schema);
        if (value.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out var properties))
        {
            var written = value.EnumerateObject().Select(p => p.Name).ToList();
            written.ShouldBeSubsetOf(properties.EnumerateObject().Select(p => p.Name), $"{where}: fields the gateway writes that the document lacks");
            foreach (var field in value.EnumerateObject())
            {
                AssertSameFields(document, properties.GetProperty(field.Name), field.Value, $"{where}.{field.Name}");
            }
        }
        else if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            foreach (var item in value.EnumerateArray())
            {
                AssertSameFields(document, items, item, $"{where}[]");
            }
        }
    }

    /// <summary>Follows a <c>$ref</c> (and a nullable <c>oneOf</c>/<c>anyOf</c> wrapper) to the schema it names.</summary>
    private static JsonElement Resolve(JsonElement document, JsonElement schema)
    {
        while (true)
        {
            if (schema.TryGetProperty("$ref", out var reference))
            {
                var name = reference.GetString()!.Split('/')[^1];
                schema = document.GetProperty("components").GetProperty("schemas").GetProperty(name);
                continue;
            }

            foreach (var wrapper in new[] { "oneOf", "anyOf", "allOf" })
            {
                if (schema.TryGetProperty(wrapper, out var options))
                {
                    var concrete = options.EnumerateArray().FirstOrDefault(o => !(o.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "null"));
                    if (concrete.ValueKind != JsonValueKind.Undefined)
                    {
                        schema = concrete;
                        goto next;
                    }
                }
            }

            return schema;
        next:;
        }
    }

    /// <summary>The path as OpenAPI writes it: no route constraints (<c>{id:guid}</c> is <c>{id}</c>), no trailing slash.</summary>
    private static string DocumentPath(string pattern)
    {
        var path = "/" + System.Text.RegularExpressions.Regex.Replace(pattern.Trim('/'), "\\{([^}:?]+)[^}]*\\}", "{$1}");
        return path;
    }

    private static async Task<JsonElement> GetDocumentAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/openapi/v1.json");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await response.ReadJsonAsync();
    }
}
