using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Foundation.Hosting.Tests.Infrastructure;
using Foundation.Hosting.Tests.Llm;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Foundation.Hosting.Tests.Errors;

/// <summary>
/// The sample host (real router, demo provider) with a signed-in owner and an API key, shared by the fuzz cases: starting
/// it once keeps the suite fast.
/// </summary>
public sealed class JsonBodyFuzzFixture : IAsyncLifetime, IDisposable
{
    private LlmTestHost? _host;

    public RecordingLoggerProvider Logs { get; } = new();

    internal LlmTestHost Host => _host ?? throw new InvalidOperationException("Not started.");

    public HttpClient Client { get; private set; } = null!;

    public string AccessToken { get; private set; } = null!;

    public string ApiKey { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _host = new LlmTestHost(logs: Logs);
        Client = _host.CreateClient();

        // The first account of the default tenant is its owner: every role-protected endpoint admits it.
        AccessToken = await _host.SignInAsync(Client, "fuzz-owner@example.com");

        // ...and made a platform operator, so the global price catalogue's endpoints read their bodies too.
        var configuration = (Microsoft.Extensions.Configuration.IConfigurationRoot)_host.Factory.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>();
        configuration["Foundation:Auth:PlatformOperators:0"] = Foundation.Hosting.Tests.Costing.TenantPriceScenario.Subject(AccessToken);
        configuration.Reload();
        using var created = await Client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/api-keys", AccessToken, new { name = "fuzz" }));
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        ApiKey = (await created.ReadJsonAsync()).Text("key");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        Client?.Dispose();
        _host?.Dispose();
    }
}

/// <summary>
/// Fuzzes the body of every endpoint that accepts JSON, found in the host's <see cref="EndpointDataSource"/> (so an endpoint
/// added later is covered without touching this test): a lone UTF-16 surrogate in each string, invalid UTF-8 bytes, a lone
/// surrogate in a property name, truncated JSON, each value of the wrong type, nesting deeper than 64, numbers too big for
/// any type, a <c>null</c> body, an empty body and a wrong content type. Never a 5xx, never an error log; every refusal in the
/// error shape of its route (OpenAI's on <c>/v1/*</c>, RFC 9457 problem details elsewhere), and bad text is a 400
/// <c>invalid_encoding</c> naming the JSON path.
/// </summary>
[Trait("Category", TestCategories.Integration)]
public sealed partial class JsonBodyFuzzTests(JsonBodyFuzzFixture fixture) : IClassFixture<JsonBodyFuzzFixture>
{
    private const string Marker = "\u0001FUZZ\u0001";

    /// <summary>Valid bodies for endpoints that read JSON themselves and so declare no request type.</summary>
    private static readonly Dictionary<string, string> KnownBodies = new(StringComparer.Ordinal)
    {
        ["/v1/chat/completions"] = """
            {"model":"chat","user":"end-user-1","stop":["END"],"max_tokens":16,"temperature":0.5,"stream":false,
             "messages":[
               {"role":"system","content":"Be brief.","name":"sys"},
               {"role":"user","content":[{"type":"text","text":"Say hello"}],"name":"ada"}],
             "tools":[{"type":"function","function":{"name":"get_weather","description":"The weather","parameters":{"type":"object","properties":{}}}}],
             "tool_choice":"auto"}
            """,
    };

    [Fact]
    public void The_enumeration_finds_every_known_JSON_endpoint()
    {
        var routes = JsonEndpoints().Select(e => $"{e.Method} {e.Route}").ToList();

        routes.ShouldContain("POST /v1/chat/completions");
        routes.ShouldContain("POST /api/v1/llm/chat");
        routes.ShouldContain("POST /api/v1/auth/register");
        routes.ShouldContain("POST /api/v1/auth/login");
        routes.ShouldContain("POST /api/v1/api-keys");
        routes.ShouldContain("POST /api/v1/budgets");
        routes.ShouldContain("PUT /api/v1/costs/prices");
        routes.ShouldContain("POST /api/v1/totp/enable");
        routes.ShouldContain("POST /api/v1/provider-keys");

        // The routes issue 15 added: the host maps them, so the fuzz reaches them.
        routes.ShouldContain("POST /api/v1/organizations");
        routes.ShouldContain("PATCH /api/v1/organizations/{id}");
        routes.ShouldContain("PATCH /api/v1/organizations/{id}/members/{userId:guid}");
        routes.ShouldContain("POST /api/v1/organizations/{id}/teams");
        routes.ShouldContain("PUT /api/v1/organizations/{id}/teams/{teamId:guid}/members/{userId:guid}");
        routes.ShouldContain("POST /api/v1/organizations/{id}/invitations");
        routes.ShouldContain("POST /api/v1/invitations/accept");
        routes.ShouldContain("POST /api/v1/auth/switch-organization");
        routes.ShouldContain("POST /api/v1/auth/password/forgot");
        routes.ShouldContain("POST /api/v1/auth/password/reset");
        routes.ShouldContain("POST /api/v1/auth/email/confirm");
        routes.ShouldContain("POST /api/v1/auth/email/change");
        routes.ShouldContain("POST /api/v1/feature-flags");
        routes.ShouldContain("PUT /api/v1/feature-flags/{name}");
        routes.ShouldContain("POST /api/v1/gdpr/consents/me");
        routes.ShouldContain("POST /api/v1/files/{id}/link");
    }

    /// <summary>The routes whose every field is also sent missing, null, huge and empty (issue 15's, and Storage's link).</summary>
    private static readonly string[] FieldFuzzedRoutes =
    [
        "/api/v1/organizations", "/api/v1/invitations/", "/api/v1/auth/switch-organization", "/api/v1/auth/password/",
        "/api/v1/auth/email/", "/api/v1/feature-flags", "/api/v1/gdpr/", "/api/v1/files",
    ];

    [Fact]
    public async Task Missing_null_huge_and_empty_fields_of_the_new_routes_are_a_400_naming_the_field_and_never_a_5xx()
    {
        var logged = fixture.Logs.Entries.Count;
        var cases = 0;
        var exact = 0;
        var file = await UploadFileAsync();
        var endpoints = JsonEndpoints().Where(e => FieldFuzzedRoutes.Any(r => e.Route.StartsWith(r, StringComparison.Ordinal))).ToList();
        endpoints.Count.ShouldBeGreaterThan(15);
        foreach (var found in endpoints)
        {
            // In the fuzz owner's own organisation (~default) and on a real file, so the handlers get past "not found" to the body.
            var endpoint = found with { Url = RouteValues().Replace(found.Route, m => m.Groups[1].Value switch
            {
                "id" when found.Route.StartsWith("/api/v1/organizations/", StringComparison.Ordinal) => "~default",
                "id" when found.Route.StartsWith("/api/v1/files/", StringComparison.Ordinal) => file,
                _ => Guid.NewGuid().ToString(),
            }) };
            var body = ValidBody(endpoint);

            // When the sample body passes validation, a 400 for one changed field must name that field.
            using var baseline = await SendAsync(endpoint, Encoding.UTF8.GetBytes(body.ToJsonString()), "application/json");
            var baselinePasses = baseline.StatusCode != HttpStatusCode.BadRequest;
            ((int)baseline.StatusCode).ShouldBeLessThan(500, $"{endpoint.Method} {endpoint.Url} (the sample body): {await baseline.Content.ReadAsStringAsync()}");

            foreach (var (what, path, json) in FieldVariants(body))
            {
                using var response = await SendAsync(endpoint, Encoding.UTF8.GetBytes(json), "application/json");
                cases++;
                if ((int)response.StatusCode < 400)
                {
                    continue;
                }

                await ShouldBeErrorInRouteShapeAsync(endpoint, response, what);
                if (response.StatusCode != HttpStatusCode.BadRequest)
                {
                    continue;
                }

                var text = await response.Content.ReadAsStringAsync();
                var named = NamedFields(text);
                named.ShouldNotBeEmpty($"{endpoint.Method} {endpoint.Route} ({what}): a 400 names no field: {text}");
                if (baselinePasses)
                {
                    var field = TopLevelName(path);
                    named.ShouldContain(n => string.Equals(n, field, StringComparison.OrdinalIgnoreCase),
                        $"{endpoint.Method} {endpoint.Route} ({what}): the 400 names {string.Join(", ", named)}, not {field}: {text}");
                    exact++;
                }
            }
        }

        cases.ShouldBeGreaterThan(100);
        exact.ShouldBeGreaterThan(20, "too few refusals were checked for naming the changed field");
        NoErrorLogsSince(logged);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=-1", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("limit=2147483648", "limit")]
    [InlineData("limit=99999999999999999999999999", "limit")]
    [InlineData("limit=1e3", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("limit=%205", "limit")]
    [InlineData("limit=%00", "limit")]
    [InlineData("limit=1&limit=2", "limit")]
    [InlineData("pageToken=garbage", "pageToken")]
    [InlineData("pageToken=!!!!", "pageToken")]
    [InlineData("pageToken=AAAA", "pageToken")]
    [InlineData("pageToken=e30", "pageToken")]
    [InlineData("pageToken=%FF%FE", "pageToken")]
    [InlineData("pageToken=%00", "pageToken")]
    [InlineData("pageToken=a&pageToken=b", "pageToken")]
    [InlineData("limit=5&pageToken=" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB", "pageToken")]
    public async Task Bad_file_list_parameters_are_a_400_naming_the_parameter(string query, string field)
    {
        var logged = fixture.Logs.Entries.Count;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/files?" + query);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.AccessToken);
        using var response = await fixture.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(400, text);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        NamedFields(text).ShouldContain(field, text);
        NoErrorLogsSince(logged);
    }

    [Theory]
    [InlineData("%FF")]
    [InlineData("%ED%A0%80")]
    [InlineData("~")]
    [InlineData("~default~")]
    [InlineData("..%2F..")]
    [InlineData("%20")]
    [InlineData("null")]
    [InlineData("-1")]
    [InlineData("1e400")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("00000000000000000000000000000000")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task A_strange_id_in_the_path_of_the_new_routes_is_a_problem_never_a_5xx(string segment)
    {
        var logged = fixture.Logs.Entries.Count;
        foreach (var path in new[]
                 {
                     "/api/v1/organizations/{0}", "/api/v1/organizations/{0}/members", "/api/v1/organizations/{0}/teams",
                     "/api/v1/organizations/{0}/invitations", "/api/v1/feature-flags/{0}", "/api/v1/gdpr/export/{0}", "/api/v1/files/{0}",
                 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path.Replace("{0}", segment, StringComparison.Ordinal));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.AccessToken);
            using var response = await fixture.Client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var where = $"GET {request.RequestUri} answered {(int)response.StatusCode}: {text}";
            ((int)response.StatusCode).ShouldBeInRange(400, 499, where);
            if (text.Length > 0)
            {
                response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", where);
            }
        }

        NoErrorLogsSince(logged);
    }

    [Fact]
    public async Task A_huge_page_token_is_a_400_and_a_valid_limit_pages_through()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/files?pageToken=" + new string('A', 20_000));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.AccessToken);
        using var response = await fixture.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        new[] { 400, 414, 431 }.ShouldContain((int)response.StatusCode, text);

        using var page = new HttpRequestMessage(HttpMethod.Get, "/api/v1/files?limit=1");
        page.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.AccessToken);
        using var ok = await fixture.Client.SendAsync(page);
        ok.StatusCode.ShouldBe(HttpStatusCode.OK, await ok.Content.ReadAsStringAsync());
    }

    /// <summary>The body with each top-level field missing, and each value null, huge (100,000 characters, 10,000 items,
    /// numbers at the ends of int and long), and each object or array empty.</summary>
    private static IEnumerable<(string What, string Path, string Json)> FieldVariants(JsonObject body)
    {
        foreach (var (name, _) in body)
        {
            var without = body.DeepClone().AsObject();
            without.Remove(name);
            yield return ($"missing {name}", "$." + name, without.ToJsonString());
        }

        foreach (var (path, node) in Nodes(body).Where(n => n.Path != "$"))
        {
            yield return ($"null at {path}", path, Replace(body, path, null));
            switch (node)
            {
                case JsonArray array:
                    yield return ($"empty array at {path}", path, Replace(body, path, new JsonArray()));
                    if (array.Count > 0)
                    {
                        var many = new JsonArray();
                        for (var i = 0; i < 10_000; i++)
                        {
                            many.Add(array[0]?.DeepClone());
                        }

                        yield return ($"10,000 items at {path}", path, Replace(body, path, many));
                    }

                    break;
                case JsonObject:
                    yield return ($"empty object at {path}", path, Replace(body, path, new JsonObject()));
                    break;
                case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                    yield return ($"100,000 characters at {path}", path, Replace(body, path, JsonValue.Create(new string('x', 100_000))));
                    yield return ($"empty string at {path}", path, Replace(body, path, JsonValue.Create(string.Empty)));
                    break;
                case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                    foreach (var number in new long[] { int.MaxValue, int.MinValue, long.MaxValue, long.MinValue, -1 })
                    {
                        yield return ($"{number} at {path}", path, Replace(body, path, JsonValue.Create(number)));
                    }

                    break;
            }
        }
    }

    /// <summary>Every node of the body (objects and arrays too) with its JSON path.</summary>
    private static IEnumerable<(string Path, JsonNode Node)> Nodes(JsonNode node, string path = "$")
    {
        yield return (path, node);
        var children = node switch
        {
            JsonObject o => o.Where(p => p.Value is not null).Select(p => ($"{path}.{p.Key}", p.Value!)),
            JsonArray a => a.Select((c, i) => ($"{path}[{i}]", c)).Where(c => c.Item2 is not null).Select(c => (c.Item1, c.Item2!)),
            _ => Enumerable.Empty<(string, JsonNode)>(),
        };
        foreach (var (childPath, child) in children.ToList())
        {
            foreach (var descendant in Nodes(child, childPath))
            {
                yield return descendant;
            }
        }
    }

    private static string Replace(JsonObject body, string path, JsonNode? replacement)
    {
        var copy = body.DeepClone();
        var target = Nodes(copy).Single(n => string.Equals(n.Path, path, StringComparison.Ordinal)).Node;
        var parent = target.Parent!;
        if (parent is JsonObject o)
        {
            o[target.GetPropertyName()] = replacement;
        }
        else
        {
            ((JsonArray)parent)[target.GetElementIndex()] = replacement;
        }

        return copy.ToJsonString();
    }

    /// <summary><c>teamIds</c> of <c>$.teamIds[0]</c>.</summary>
    private static string TopLevelName(string path) => Regex.Match(path, @"^\$\.([^.\[]+)").Groups[1].Value;

    /// <summary>What a problem names: its <c>field</c>, the first name of its <c>jsonPath</c>, and the keys of its <c>errors</c>.</summary>
    private static List<string> NamedFields(string problem)
    {
        var names = new List<string>();
        using var document = JsonDocument.Parse(problem);
        var root = document.RootElement;
        if (root.TryGetProperty("field", out var field) && field.ValueKind == JsonValueKind.String)
        {
            names.Add(field.GetString()!);
        }

        if (root.TryGetProperty("jsonPath", out var jsonPath) && jsonPath.ValueKind == JsonValueKind.String)
        {
            names.Add(jsonPath.GetString() == "$" ? "$" : TopLevelName(jsonPath.GetString()!));
        }

        if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
        {
            names.AddRange(errors.EnumerateObject().Select(e => e.Name.Split('.', '[')[0]));
        }

        return names;
    }

    private async Task<string> UploadFileAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/files");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.AccessToken);
        var part = new ByteArrayContent(Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"));
        part.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        request.Content = new MultipartFormDataContent { { part, "file", "fuzz.pdf" } };
        using var response = await fixture.Client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).Text("id");
    }

    [GeneratedRegex(@"\{([^}:]+)(:[^}]*)?\}")]
    private static partial Regex RouteValues();

    /// <summary>Routes whose JSON body has no string at all.</summary>
    private static readonly HashSet<string> BodiesWithoutStrings = new(StringComparer.Ordinal) { "/api/v1/files/{id}/link" };

    [Fact]
    public async Task Bad_text_in_any_string_of_any_JSON_body_is_a_400_naming_the_path()
    {
        var logged = fixture.Logs.Entries.Count;
        var cases = 0;
        foreach (var endpoint in JsonEndpoints())
        {
            var body = ValidBody(endpoint);
            var strings = Leaves(body).Where(l => l.Node.GetValueKind() == JsonValueKind.String).ToList();
            if (BodiesWithoutStrings.Contains(endpoint.Route))
            {
                // Numbers only (Storage's {"expiresInSeconds": n}): no text to fuzz; the list stays true because this is checked.
                strings.ShouldBeEmpty($"{endpoint.Route} now has a string field: remove it from {nameof(BodiesWithoutStrings)}");
                continue;
            }

            strings.ShouldNotBeEmpty($"{endpoint.Route} has no string field to fuzz");

            // A lone surrogate (escaped, as JSON writes it) in each string, one at a time.
            foreach (var leaf in strings)
            {
                var json = Mutate(body, leaf.Path, _ => JsonValue.Create(Marker)).Replace($"\"{Escape(Marker)}\"", "\"\\ud800\"", StringComparison.Ordinal);
                await ShouldRefuseBadTextAsync(endpoint, Encoding.UTF8.GetBytes(json), leaf.Path, $"lone surrogate in {leaf.Path}");
                cases++;
            }

            // Raw bytes that are not UTF-8 (a bad continuation, a byte UTF-8 never uses, an encoded surrogate), and a low surrogate first.
            var first = strings[0];
            foreach (var (name, bytes) in new (string, byte[])[]
                     {
                         ("C3 28", [0xC3, 0x28]), ("FF", [0xFF]), ("ED A0 80", [0xED, 0xA0, 0x80]), ("\\udc00x", "\\udc00x"u8.ToArray()),
                     })
            {
                var json = Encoding.UTF8.GetBytes(Mutate(body, first.Path, _ => JsonValue.Create(Marker)));
                await ShouldRefuseBadTextAsync(endpoint, Splice(json, Encoding.UTF8.GetBytes(Escape(Marker)), bytes), first.Path, $"bytes {name} in {first.Path}");
                cases++;
            }

            // A property name that is not text.
            var named = body.DeepClone().AsObject();
            named[Marker] = "x";
            var namedJson = named.ToJsonString().Replace($"\"{Escape(Marker)}\"", "\"\\ud800\"", StringComparison.Ordinal);
            await ShouldRefuseBadTextAsync(endpoint, Encoding.UTF8.GetBytes(namedJson), "$", "lone surrogate in a property name");
            cases++;
        }

        cases.ShouldBeGreaterThan(40);
        NoErrorLogsSince(logged);
    }

    [Fact]
    public async Task Malformed_JSON_wrong_types_deep_nesting_and_huge_numbers_never_answer_5xx()
    {
        var logged = fixture.Logs.Entries.Count;
        var cases = 0;
        foreach (var endpoint in JsonEndpoints())
        {
            var body = ValidBody(endpoint);
            var json = body.ToJsonString();

            // Truncated and too deep: not JSON any endpoint can read.
            foreach (var (name, text) in new[]
                     {
                         ("truncated", json[..(json.Length / 2)]),
                         ("nested 1000 deep", new string('[', 1000) + new string(']', 1000)),
                         ("nested 1000 deep in a field", json[..^1] + ",\"deep\":" + new string('[', 1000) + new string(']', 1000) + "}"),
                         ("two values", json + json),
                     })
            {
                using var response = await SendAsync(endpoint, Encoding.UTF8.GetBytes(text), "application/json");
                var error = await ShouldBeErrorInRouteShapeAsync(endpoint, response, name);
                ((int)response.StatusCode).ShouldBe(400, $"{endpoint.Method} {endpoint.Route} ({name})");
                error.Code.ShouldBe("invalid_json", $"{endpoint.Method} {endpoint.Route} ({name})");
                cases++;
            }

            // Each value of the wrong type, and numbers no type can hold.
            foreach (var leaf in Leaves(body))
            {
                var kind = leaf.Node.GetValueKind();
                var wrong = kind == JsonValueKind.String ? "{\"not\":[\"a string\"]}" : "\"not a " + kind.ToString().ToLowerInvariant() + "\"";
                await ShouldNotFailAsync(endpoint, Mutate(body, leaf.Path, _ => JsonNode.Parse(wrong)), $"wrong type at {leaf.Path}");
                cases++;
                if (kind == JsonValueKind.Number)
                {
                    foreach (var huge in new[] { "1e400", "-1e400", "123456789012345678901234567890123456789", "1.0e-400" })
                    {
                        var text = Mutate(body, leaf.Path, _ => JsonValue.Create(Marker)).Replace($"\"{Escape(Marker)}\"", huge, StringComparison.Ordinal);
                        await ShouldNotFailAsync(endpoint, text, $"{huge} at {leaf.Path}");
                        cases++;
                    }
                }
            }

            // Not a body at all.
            foreach (var (name, text, contentType) in new[]
                     {
                         ("null body", "null", "application/json"),
                         ("array body", "[]", "application/json"),
                         ("empty body", string.Empty, "application/json"),
                         ("whitespace body", "   ", "application/json"),
                         ("text/plain", json, "text/plain"),
                         ("form", "a=b", "application/x-www-form-urlencoded"),
                     })
            {
                using var response = await SendAsync(endpoint, Encoding.UTF8.GetBytes(text), contentType);
                if ((int)response.StatusCode >= 400)
                {
                    await ShouldBeErrorInRouteShapeAsync(endpoint, response, name);
                }
                else
                {
                    ((int)response.StatusCode).ShouldBeLessThan(500, $"{endpoint.Method} {endpoint.Route} ({name})");
                }

                cases++;
            }
        }

        cases.ShouldBeGreaterThan(100);
        NoErrorLogsSince(logged);
    }

    private async Task ShouldRefuseBadTextAsync(JsonEndpoint endpoint, byte[] body, string path, string what)
    {
        using var response = await SendAsync(endpoint, body, "application/json");
        var error = await ShouldBeErrorInRouteShapeAsync(endpoint, response, what);
        ((int)response.StatusCode).ShouldBe(400, $"{endpoint.Method} {endpoint.Route} ({what}): {error.Message}");
        error.Code.ShouldBe("invalid_encoding", $"{endpoint.Method} {endpoint.Route} ({what})");
        if (endpoint.IsOpenAI)
        {
            error.Param.ShouldBe(path == "$" ? null : path[2..], $"{endpoint.Route} ({what})");
        }
        else
        {
            error.Param.ShouldBe(path, $"{endpoint.Route} ({what})");
        }

        error.Message.ShouldContain("UTF-8");
    }

    private async Task ShouldNotFailAsync(JsonEndpoint endpoint, string json, string what)
    {
        using var response = await SendAsync(endpoint, Encoding.UTF8.GetBytes(json), "application/json");
        if ((int)response.StatusCode >= 400)
        {
            await ShouldBeErrorInRouteShapeAsync(endpoint, response, what);
        }
    }

    /// <summary>Never 5xx; OpenAI's <c>{"error":{...}}</c> on /v1, problem+json elsewhere. Answers message, code and param/jsonPath.</summary>
    private static async Task<(string Message, string? Code, string? Param)> ShouldBeErrorInRouteShapeAsync(JsonEndpoint endpoint, HttpResponseMessage response, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        var where = $"{endpoint.Method} {endpoint.Route} ({what}) answered {status}: {text}";
        status.ShouldBeLessThan(500, where);
        status.ShouldBeGreaterThanOrEqualTo(400, where);
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        if (endpoint.IsOpenAI)
        {
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/json", where);
            var error = root.GetProperty("error");
            error.GetProperty("type").GetString().ShouldNotBeNullOrWhiteSpace(where);
            error.TryGetProperty("param", out var param).ShouldBeTrue(where);
            error.TryGetProperty("code", out var code).ShouldBeTrue(where);
            return (error.GetProperty("message").GetString()!, code.GetString(), param.GetString());
        }

        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", where);
        root.GetProperty("status").GetInt32().ShouldBe(status, where);
        root.GetProperty("title").GetString().ShouldNotBeNullOrWhiteSpace(where);
        var message = root.TryGetProperty("detail", out var detail) ? detail.GetString()! : root.GetProperty("title").GetString()!;
        return (
            message,
            root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null,
            root.TryGetProperty("jsonPath", out var p) ? p.GetString() : null);
    }

    /// <summary>A refusal is the caller's mistake: nothing at Error (the tests' class runs its cases one after the other).</summary>
    private void NoErrorLogsSince(int logged)
    {
        var errors = fixture.Logs.Entries.Skip(logged).Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Category}: {e.Message}").ToList();
        errors.ShouldBeEmpty();
    }

    private async Task<HttpResponseMessage> SendAsync(JsonEndpoint endpoint, byte[] body, string contentType)
    {
        using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", endpoint.IsOpenAI ? fixture.ApiKey : fixture.AccessToken);
        return await fixture.Client.SendAsync(request);
    }

    private List<JsonEndpoint> JsonEndpoints()
    {
        var sources = fixture.Host.Factory.Services.GetRequiredService<EndpointDataSource>();
        var found = new List<JsonEndpoint>();
        foreach (var endpoint in sources.Endpoints.OfType<RouteEndpoint>())
        {
            var accepts = endpoint.Metadata.GetOrderedMetadata<IAcceptsMetadata>()
                .FirstOrDefault(a => a.ContentTypes.Any(t => t.Contains("json", StringComparison.OrdinalIgnoreCase)));
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            if (accepts is null || methods.Count == 0)
            {
                continue;
            }

            var route = "/" + endpoint.RoutePattern.RawText!.Trim('/');
            var url = Regex.Replace(route, @"\{[^}]+\}", _ => Guid.NewGuid().ToString());
            foreach (var method in methods)
            {
                found.Add(new JsonEndpoint(method, route, url, accepts.RequestType, route.StartsWith("/v1/", StringComparison.Ordinal)));
            }
        }

        return found;
    }

    private static JsonObject ValidBody(JsonEndpoint endpoint)
    {
        if (KnownBodies.TryGetValue(endpoint.Route, out var known))
        {
            return JsonNode.Parse(known)!.AsObject();
        }

        endpoint.RequestType.ShouldNotBeNull($"{endpoint.Method} {endpoint.Route} reads JSON without a request type: add a valid body to {nameof(KnownBodies)}");
        return Sample(endpoint.RequestType!, 0) as JsonObject
               ?? throw new InvalidOperationException($"{endpoint.Route}: the body of {endpoint.RequestType} is not an object");
    }

    /// <summary>A value of <paramref name="type"/> in JSON, with a sample in every property (camelCase, as the host binds).</summary>
    private static JsonNode? Sample(Type type, int depth)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return "sample";
        }

        if (type == typeof(bool))
        {
            return true;
        }

        if (type == typeof(int) || type == typeof(long) || type == typeof(short))
        {
            return 1;
        }

        if (type == typeof(decimal) || type == typeof(double) || type == typeof(float))
        {
            return 1.5m;
        }

        if (type == typeof(Guid))
        {
            return Guid.NewGuid().ToString();
        }

        if (type == typeof(DateTimeOffset) || type == typeof(DateTime))
        {
            return "2026-01-01T00:00:00+00:00";
        }

        if (type == typeof(TimeSpan))
        {
            return "00:01:00";
        }

        if (type.IsEnum)
        {
            return Enum.GetNames(type)[0];
        }

        if (depth > 4)
        {
            return null;
        }

        if (type.IsGenericType && type.GetGenericArguments() is [var key, var value] && key == typeof(string)
            && typeof(System.Collections.IEnumerable).IsAssignableFrom(type))
        {
            return new JsonObject { ["key"] = Sample(value, depth + 1) };
        }

        var element = type.IsArray ? type.GetElementType()
            : type.IsGenericType && typeof(System.Collections.IEnumerable).IsAssignableFrom(type) ? type.GetGenericArguments()[0]
            : null;
        if (element is not null)
        {
            return new JsonArray(Sample(element, depth + 1));
        }

        var result = new JsonObject();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.GetCustomAttribute<JsonIgnoreAttribute>() is not null)
            {
                continue;
            }

            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            result[name] = Sample(property.PropertyType, depth + 1);
        }

        return result;
    }

    /// <summary>Every scalar of the body with its JSON path (<c>$.a.b[0]</c>).</summary>
    private static IEnumerable<(string Path, JsonNode Node)> Leaves(JsonNode node, string path = "$")
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, child) in o)
                {
                    if (child is not null)
                    {
                        foreach (var leaf in Leaves(child, $"{path}.{name}"))
                        {
                            yield return leaf;
                        }
                    }
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (a[i] is { } child)
                    {
                        foreach (var leaf in Leaves(child, $"{path}[{i}]"))
                        {
                            yield return leaf;
                        }
                    }
                }

                break;
            default:
                yield return (path, node);
                break;
        }
    }

    /// <summary>The body with the value at <paramref name="path"/> replaced, as JSON text.</summary>
    private static string Mutate(JsonNode body, string path, Func<JsonNode, JsonNode?> replace)
    {
        var copy = body.DeepClone();
        var target = Leaves(copy).Single(l => string.Equals(l.Path, path, StringComparison.Ordinal)).Node;
        var parent = target.Parent!;
        var replacement = replace(target);
        if (parent is JsonObject o)
        {
            o[target.GetPropertyName()] = replacement;
        }
        else
        {
            ((JsonArray)parent)[target.GetElementIndex()] = replacement;
        }

        return copy.ToJsonString();
    }

    /// <summary>How System.Text.Json writes the marker inside a string.</summary>
    private static string Escape(string text) => JsonSerializer.Serialize(text)[1..^1];

    private static byte[] Splice(byte[] json, byte[] marker, byte[] bytes)
    {
        var at = json.AsSpan().IndexOf(marker);
        at.ShouldBeGreaterThanOrEqualTo(0);
        return [.. json.AsSpan(0, at), .. bytes, .. json.AsSpan(at + marker.Length)];
    }

    private sealed record JsonEndpoint(string Method, string Route, string Url, Type? RequestType, bool IsOpenAI);
}
