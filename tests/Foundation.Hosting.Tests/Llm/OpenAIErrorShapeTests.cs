using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Foundation.Hosting.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Foundation.Hosting.Tests.Llm;

/// <summary>
/// Errors raised outside the gateway's handlers (the JSON body guard, the rate limiter, routing) answer in OpenAI's shape on
/// <c>/v1/*</c> and as RFC 9457 problems on <c>/api/*</c>; text that is not Unicode is a 400, logged once at Debug.
/// </summary>
[Trait("Category", TestCategories.Integration)]
public sealed class OpenAIErrorShapeTests
{
    private const string LoneSurrogateBody = """{"model":"x","messages":[{"role":"user","content":"\ud800"}]}""";

    [Fact]
    public async Task A_lone_surrogate_in_chat_completions_is_a_400_invalid_encoding_logged_once_at_debug()
    {
        var logs = new RecordingLoggerProvider();
        using var host = new LlmTestHost(
            new ScriptedChatClient(),
            new Dictionary<string, string?> { ["Logging:LogLevel:Foundation.Hosting.Errors"] = "Debug" },
            logs);
        using var client = host.CreateClient();
        var key = await host.ApiKeyAsync(client);
        var before = logs.Entries.Count;

        using var response = await client.SendAsync(LlmTestHost.RawJson("/v1/chat/completions", key, LoneSurrogateBody));

        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, text);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/json");
        text.ShouldBe(
            """{"error":{"message":"The request body is not valid UTF-8 text: the string at '$.messages[0].content' holds invalid UTF-8 or a lone UTF-16 surrogate.","type":"invalid_request_error","param":"messages[0].content","code":"invalid_encoding"}}""");
        host.Chat!.LastMessages.ShouldBeNull("nothing reached the router");

        var entries = logs.Entries.Skip(before).ToList();
        entries.Where(e => e.Level >= LogLevel.Warning).ShouldBeEmpty();
        entries.Count(e => e.Category == "Foundation.Hosting.Errors.FoundationExceptionHandler").ShouldBe(1);
        entries.Single(e => e.Category == "Foundation.Hosting.Errors.FoundationExceptionHandler").Level.ShouldBe(LogLevel.Debug);
    }

    [Fact]
    public async Task Invalid_UTF8_bytes_are_a_400_naming_the_field_on_v1_and_on_api()
    {
        using var host = new LlmTestHost(new ScriptedChatClient());
        using var client = host.CreateClient();
        var key = await host.ApiKeyAsync(client);
        var token = await host.SignInAsync(client, "ui@example.com");
        byte[] body = [.. "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"caf"u8, 0xC3, 0x28, .. "\"}]}"u8];

        using (var v1 = await client.SendAsync(Raw("/v1/chat/completions", key, body)))
        {
            var error = await LlmTestHost.ShouldBeOpenAIErrorAsync(v1, 400);
            error.GetProperty("type").GetString().ShouldBe("invalid_request_error");
            error.GetProperty("param").GetString().ShouldBe("messages[0].content");
            error.GetProperty("code").GetString().ShouldBe("invalid_encoding");
        }

        using (var api = await client.SendAsync(Raw("/api/v1/llm/chat", token, body)))
        {
            var problem = await api.ShouldBeProblemAsync(400);
            problem.Text("title").ShouldBe("The request body is not valid UTF-8 text");
            problem.Text("detail").ShouldContain("'$.messages[0].content'");
            problem.Text("jsonPath").ShouldBe("$.messages[0].content");
            problem.Text("code").ShouldBe("invalid_encoding");
        }

        using (var api = await client.SendAsync(LlmTestHost.RawJson("/api/v1/llm/chat", token, LoneSurrogateBody)))
        {
            var problem = await api.ShouldBeProblemAsync(400);
            problem.Text("code").ShouldBe("invalid_encoding");
            problem.Text("jsonPath").ShouldBe("$.messages[0].content");
        }

        host.Chat!.LastMessages.ShouldBeNull("nothing reached the router");
    }

    [Fact]
    public async Task The_rate_limiters_429_is_in_OpenAI_shape_on_v1_with_retry_after_and_a_problem_on_api()
    {
        using var host = new LlmTestHost(
            new ScriptedChatClient(),
            new Dictionary<string, string?> { ["Foundation:Hosting:RateLimiting:Llm:PermitLimit"] = "2" });
        using var client = host.CreateClient();
        var key = await host.ApiKeyAsync(client);
        var token = await host.SignInAsync(client, "ui@example.com");

        for (var i = 0; i < 2; i++)
        {
            using var allowed = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Get, "/v1/models", key));
            allowed.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using (var refused = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Get, "/v1/models", key)))
        {
            var error = await LlmTestHost.ShouldBeOpenAIErrorAsync(refused, 429);
            error.GetProperty("type").GetString().ShouldBe("requests");
            error.GetProperty("code").GetString().ShouldBe("rate_limit_exceeded");
            error.GetProperty("param").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
            error.GetProperty("message").GetString()!.ShouldContain("2 requests per 60 seconds for 'llm'");
            RetryAfter(refused).ShouldBeInRange(1, 60);
        }

        // The same group on /api keeps its problem details.
        using (var refused = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/llm/chat", token, new { messages = new[] { new { role = "user", content = "hi" } } })))
        {
            var problem = await refused.ShouldBeProblemAsync(429);
            problem.Text("code").ShouldBe("rate_limit_exceeded");
            problem.GetProperty("retryAfterSeconds").GetInt32().ShouldBe(RetryAfter(refused));
        }
    }

    [Fact]
    public async Task Unknown_v1_routes_wrong_methods_and_content_types_answer_in_OpenAI_shape()
    {
        using var host = new LlmTestHost(new ScriptedChatClient());
        using var client = host.CreateClient();
        var key = await host.ApiKeyAsync(client);

        using (var missing = await client.SendAsync(LlmTestHost.RawJson("/v1/embeddings", key, "{}")))
        {
            var error = await LlmTestHost.ShouldBeOpenAIErrorAsync(missing, 404);
            error.GetProperty("message").GetString().ShouldBe("Invalid URL (POST /v1/embeddings)");
        }

        using (var method = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Get, "/v1/chat/completions", key)))
        {
            await LlmTestHost.ShouldBeOpenAIErrorAsync(method, 405);
        }

        using var plain = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"chat","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "text/plain"),
        };
        plain.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using (var unsupported = await client.SendAsync(plain))
        {
            var error = await LlmTestHost.ShouldBeOpenAIErrorAsync(unsupported, 415);
            error.GetProperty("type").GetString().ShouldBe("invalid_request_error");
        }

        using (var truncated = await client.SendAsync(LlmTestHost.RawJson("/v1/chat/completions", key, """{"model":"chat","messages":[{"role":""")))
        {
            var error = await LlmTestHost.ShouldBeOpenAIErrorAsync(truncated, 400);
            error.GetProperty("code").GetString().ShouldBe("invalid_json");
        }
    }

    private static HttpRequestMessage Raw(string path, string token, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static int RetryAfter(HttpResponseMessage response)
    {
        var header = response.Header("Retry-After");
        header.ShouldNotBeNull();
        return int.Parse(header, NumberStyles.None, CultureInfo.InvariantCulture);
    }
}
