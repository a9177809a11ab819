using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using Foundation.Abstractions.Authorization;
using Foundation.Tests.Common.Llm;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Foundation.Llm.Routing.Tests.Gateway;

/// <summary>
/// A host with Foundation.Llm.Routing alone (no Foundation.Hosting, no database): <c>AddFoundationLlmRouting</c>, a test
/// authentication scheme, and only <c>MapFoundationLlmGateway()</c>, on Kestrel at 127.0.0.1, routing to the fake OpenAI-compatible
/// upstream over real HTTP. It answers a chat completion, and answers bad requests in OpenAI's error shape by itself (no body guard,
/// no exception handler in front of it). <c>MapFoundationLlmApi()</c> (the app's own <c>/api/v1/llm/chat</c>) is mapped beside it, its
/// <c>FoundationPolicies.UserSession</c> policy defined by the host itself.
/// </summary>
public sealed class MinimalGatewayHostTests : IAsyncLifetime
{
    private const string Key = "test-key";

    private FakeLlmUpstream _upstream = null!;
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeLlmUpstream.StartAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Foundation:Llm:Providers:local:Type"] = "OpenAICompatible",
            ["Foundation:Llm:Providers:local:BaseUrl"] = _upstream.BaseUrl.ToString(),
            ["Foundation:Llm:Providers:local:ApiKey"] = "sk-local",
            ["Foundation:Llm:Models:chat:Deployments:0:Provider"] = "local",
            ["Foundation:Llm:Models:chat:Deployments:0:Model"] = "gpt-4o-mini",
            ["Foundation:Llm:Resilience:MaxRetries"] = "0",
        });
        builder.Services.AddFoundationLlmRouting(builder.Configuration);
        builder.Services.AddAuthentication(TestKeyHandler.Name).AddScheme<AuthenticationSchemeOptions, TestKeyHandler>(TestKeyHandler.Name, null);
        builder.Services.AddAuthorization(o => o.AddPolicy(FoundationPolicies.UserSession, p => p.RequireAuthenticatedUser()));

        _app = builder.Build();
        _app.MapFoundationLlmGateway();
        _app.MapFoundationLlmApi();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _client = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task A_chat_completion_is_answered_by_the_upstream_in_OpenAIs_shape()
    {
        using var response = await _client.SendAsync(Post("""{"model":"chat","messages":[{"role":"user","content":"Say hello."}]}"""));

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        json["object"]!.GetValue<string>().ShouldBe("chat.completion");
        json["id"]!.GetValue<string>().ShouldStartWith("chatcmpl-");
        json["choices"]![0]!["message"]!["role"]!.GetValue<string>().ShouldBe("assistant");
        json["choices"]![0]!["message"]!["content"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        json["usage"]!["prompt_tokens"]!.GetValue<long>().ShouldBeGreaterThan(0);
        response.Headers.GetValues("X-Foundation-Provider").Single().ShouldBe("local");
        _upstream.Requests.Count.ShouldBe(1);
        _upstream.Requests[0].Json["model"]!.GetValue<string>().ShouldBe("gpt-4o-mini");
        _upstream.Requests[0].Header("Authorization").ShouldBe("Bearer sk-local");
    }

    [Theory]
    [InlineData("""{"model":"chat","messages":[{"role":"user","content":"\ud800"}]}""", "invalid_encoding", "messages[0].content", "not valid UTF-8")]
    [InlineData("""{"model":"chat","messages":[{"role":""", "invalid_json", "messages[0].role", "not valid JSON")]
    [InlineData("""{"model":"chat"}""", null, "messages", "messages")]
    public async Task A_bad_request_is_refused_in_OpenAIs_error_shape_without_any_other_middleware(string body, string? code, string? param, string message)
    {
        using var response = await _client.SendAsync(Post(body));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        error["type"]!.GetValue<string>().ShouldBe("invalid_request_error");
        error["message"]!.GetValue<string>().ShouldContain(message);
        error["param"]?.GetValue<string>().ShouldBe(param);
        if (code is not null)
        {
            error["code"]!.GetValue<string>().ShouldBe(code);
        }

        _upstream.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_missing_key_and_an_unknown_model_are_refused_in_OpenAIs_error_shape()
    {
        using (var anonymous = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions"))
        {
            anonymous.Content = new StringContent("""{"model":"chat","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");
            using var response = await _client.SendAsync(anonymous);
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
            error["code"]!.GetValue<string>().ShouldBe("invalid_api_key");
            error["type"]!.GetValue<string>().ShouldBe("invalid_request_error");
        }

        using (var response = await _client.SendAsync(Post("""{"model":"no-such-model","messages":[{"role":"user","content":"hi"}]}""")))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
            error["code"]!.GetValue<string>().ShouldBe("model_not_found");
            error["param"]!.GetValue<string>().ShouldBe("model");
        }

        _upstream.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_model_list_names_the_alias()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        using var response = await _client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        json["object"]!.GetValue<string>().ShouldBe("list");
        json["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).ShouldContain("chat");
    }

    [Fact]
    public async Task The_apps_own_chat_endpoint_answers_and_refuses_in_problem_details_without_Foundation_Hosting()
    {
        using (var anonymous = await _client.PostAsync(new Uri("/api/v1/llm/chat", UriKind.Relative), Json("""{"messages":[{"role":"user","content":"hi"}]}""")))
        {
            anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        using (var response = await _client.SendAsync(Post("/api/v1/llm/chat", """{"messages":[{"role":"user","content":"Say hello."}]}""")))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            json["content"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
            json["usage"]!["inputTokens"]!.GetValue<long>().ShouldBeGreaterThan(0);
            response.Headers.GetValues("X-Foundation-Provider").Single().ShouldBe("local");
        }

        _upstream.Requests.Count.ShouldBe(1);
        _upstream.Requests[0].Json["model"]!.GetValue<string>().ShouldBe("gpt-4o-mini");

        using (var invalid = await _client.SendAsync(Post("/api/v1/llm/chat", """{"messages":[{"role":"robot","content":"hi"}]}""")))
        {
            invalid.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            invalid.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            JsonNode.Parse(await invalid.Content.ReadAsStringAsync())!["field"]!.GetValue<string>().ShouldBe("messages[0].role");
        }

        _upstream.Requests.Count.ShouldBe(1);
    }

    private static HttpRequestMessage Post(string json) => Post("/v1/chat/completions", json);

    private static ByteArrayContent Json(string json)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static HttpRequestMessage Post(string path, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(json) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return request;
    }

    /// <summary>A host's own authentication: accepts <c>Authorization: Bearer test-key</c>.</summary>
    private sealed class TestKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string Name = "TestKey";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var header = Request.Headers.Authorization.ToString();
            if (header.Length == 0)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            if (!string.Equals(header, "Bearer " + Key, StringComparison.Ordinal))
            {
                return Task.FromResult(AuthenticateResult.Fail("The key is not known."));
            }

            var identity = new ClaimsIdentity([new Claim("sub", "user-1")], Name);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Name)));
        }
    }
}
