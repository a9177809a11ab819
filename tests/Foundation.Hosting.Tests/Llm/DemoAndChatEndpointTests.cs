using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Text;
using System.Text.Json;
using Foundation.Hosting.Tests.Infrastructure;
using Foundation.Llm.Routing;
using Foundation.Llm.Routing.Providers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Chat;

namespace Foundation.Hosting.Tests.Llm;

/// <summary>
/// The sample with no provider configured: the demo deployment answers <c>chat</c> and <c>demo</c> through the gateway and
/// <c>/api/v1/llm/chat</c>; and the OPENAI_API_KEY / ANTHROPIC_API_KEY switch.
/// </summary>
public sealed class DemoAndChatEndpointTests : IDisposable
{
    private readonly LlmTestHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task The_demo_streams_a_labelled_answer_to_the_OpenAI_SDK_with_usage()
    {
        using var http = _host.CreateClient();
        var key = await _host.ApiKeyAsync(http);
        var client = new ChatClient("chat", new ApiKeyCredential(key), new OpenAIClientOptions
        {
            Endpoint = new Uri(_host.Factory.Server.BaseAddress, "/v1"),
            Transport = new HttpClientPipelineTransport(_host.CreateClient()),
        });

        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        var chunks = 0;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("What is Foundation?")]))
        {
            chunks++;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage = update.Usage ?? usage;
            update.Model.ShouldBe("foundation-demo-1");
        }

        text.ToString().ShouldStartWith("[Foundation demo model] You said: \"What is Foundation?\".");
        text.ToString().ShouldContain("OPENAI_API_KEY");
        chunks.ShouldBeGreaterThan(20, "word by word");
        usage!.InputTokenCount.ShouldBeGreaterThan(0);
        usage.OutputTokenCount.ShouldBe((int)Math.Ceiling(text.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).Length * 1.3));

        ChatCompletion plain = await client.CompleteChatAsync([new UserChatMessage("What is Foundation?")]);
        plain.Content[0].Text.ShouldBe(text.ToString(), "deterministic");

        using var models = await http.SendAsync(LlmTestHost.Authorized(HttpMethod.Get, "/v1/models", key));
        var ids = (await models.ReadJsonAsync()).GetProperty("data").EnumerateArray().Select(m => m.Text("id")).ToList();
        ids.ShouldContain("chat");
        ids.ShouldContain("demo");

        using var unknown = await http.SendAsync(LlmTestHost.RawJson("/v1/chat/completions", key, """{"model":"gpt-9","messages":[{"role":"user","content":"hi"}]}"""));
        (await LlmTestHost.ShouldBeOpenAIErrorAsync(unknown, 404)).GetProperty("code").GetString().ShouldBe("model_not_found");
    }

    [Fact]
    public async Task The_apps_chat_endpoint_answers_json_and_streams_deltas()
    {
        using var client = _host.CreateClient();
        var token = await _host.SignInAsync(client, "chat@example.com");

        using (var response = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/llm/chat", token, new { messages = new[] { new { role = "user", content = "Hello there" } } })))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            var body = await response.ReadJsonAsync();
            body.Text("content").ShouldStartWith("[Foundation demo model] You said: \"Hello there\".");
            body.Text("model").ShouldBe("foundation-demo-1");
            body.Text("deployment").ShouldBe("foundation-demo");
            body.GetProperty("usage").GetProperty("outputTokens").GetInt64().ShouldBeGreaterThan(0);
            response.Headers.GetValues("X-Foundation-Deployment").Single().ShouldBe("foundation-demo");
        }

        using (var stream = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/llm/chat", token,
            new { model = "demo", stream = true, messages = new[] { new { role = "user", content = "Hello there" } } })))
        {
            stream.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
            var events = (await stream.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
                .Select(e => (Name: e.Split('\n')[0]["event: ".Length..], Data: JsonDocument.Parse(e.Split('\n')[1]["data: ".Length..]).RootElement))
                .ToList();
            events.Count(e => e.Name == "delta").ShouldBeGreaterThan(20);
            string.Concat(events.Where(e => e.Name == "delta").Select(e => e.Data.Text("text"))).ShouldStartWith("[Foundation demo model]");
            var done = events[^1];
            done.Name.ShouldBe("done");
            done.Data.GetProperty("usage").GetProperty("inputTokens").GetInt64().ShouldBeGreaterThan(0);
            done.Data.Text("deployment").ShouldBe("foundation-demo");
        }
    }

    [Theory]
    [InlineData("""{"messages":[]}""", "messages")]
    [InlineData("""{"messages":[{"role":"robot","content":"x"}]}""", "messages[0].role")]
    [InlineData("""{"messages":[{"role":"user"}]}""", "messages[0].content")]
    public async Task The_apps_chat_endpoint_names_the_bad_field(string body, string field)
    {
        using var client = _host.CreateClient();
        var token = await _host.SignInAsync(client, "chat@example.com");
        using var response = await client.SendAsync(LlmTestHost.RawJson("/api/v1/llm/chat", token, body));
        (await response.ShouldBeProblemAsync(400)).Text("field").ShouldBe(field);
    }

    [Fact]
    public async Task The_apps_chat_endpoint_needs_a_session_and_answers_problems()
    {
        using var client = _host.CreateClient();
        using (var anonymous = await client.SendAsync(LlmTestHost.RawJson("/api/v1/llm/chat", null, """{"messages":[{"role":"user","content":"x"}]}""")))
        {
            await anonymous.ShouldBeProblemAsync(401);
        }

        var token = await _host.SignInAsync(client, "chat@example.com");
        using var unknown = await client.SendAsync(LlmTestHost.RawJson("/api/v1/llm/chat", token, """{"model":"gpt-9","messages":[{"role":"user","content":"x"}]}"""));
        (await unknown.ShouldBeProblemAsync(404)).Text("code").ShouldBe("model_not_found");
    }

    [Fact]
    public void Environment_keys_switch_on_real_providers_unless_configuration_names_some()
    {
        using (var both = new LlmTestHost(settings: new Dictionary<string, string?> { ["OPENAI_API_KEY"] = "sk-env-openai", ["ANTHROPIC_API_KEY"] = "sk-ant-env" }))
        {
            var options = both.Factory.Services.GetRequiredService<IOptions<LlmRoutingOptions>>().Value;
            options.Providers["openai"].Type.ShouldBe(LlmProviderType.OpenAI);
            options.Providers["openai"].ApiKey.ShouldBe("sk-env-openai");
            options.Providers["anthropic"].Type.ShouldBe(LlmProviderType.Anthropic);
            options.Models["chat"].Strategy.ShouldBe(RoutingStrategy.Priority);
            options.Models["chat"].Deployments.Select(d => (d.Provider, d.Model, d.Priority))
                .ShouldBe([("openai", "gpt-4o-mini", 0), ("anthropic", "claude-3-5-haiku-latest", 1)]);
        }

        using (var configured = new LlmTestHost(settings: new Dictionary<string, string?>
        {
            ["OPENAI_API_KEY"] = "sk-env-openai",
            ["Foundation:Llm:Providers:local:Type"] = "OpenAICompatible",
            ["Foundation:Llm:Providers:local:BaseUrl"] = "http://127.0.0.1:11434/v1",
        }))
        {
            var options = configured.Factory.Services.GetRequiredService<IOptions<LlmRoutingOptions>>().Value;
            options.Providers.Keys.ShouldBe(["local"]);
            options.Models.ShouldBeEmpty();
        }

        using var none = new LlmTestHost();
        none.Factory.Services.GetRequiredService<IOptions<LlmRoutingOptions>>().Value.Providers.ShouldBeEmpty();
    }
}
