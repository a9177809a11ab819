using System.Text.Json;
using Foundation.Llm.Routing.Providers;
using Foundation.Tests.Common.Llm;
using Microsoft.Extensions.AI;
using static Foundation.Llm.Routing.Tests.Providers.ProviderTestHelpers;

namespace Foundation.Llm.Routing.Tests.Providers;

public sealed class AnthropicChatClientTests
{
    [Fact]
    public async Task Sends_the_documented_request_body_and_headers()
    {
        await using var upstream = await FakeLlmUpstream.StartAsync();
        using var client = Anthropic(upstream, configure: o => o.Headers["anthropic-beta"] = "test-beta");
        List<ChatMessage> messages =
        [
            new(ChatRole.System, "You are terse."),
            new(ChatRole.User, [new TextContent("What is in this image?"), new DataContent(new byte[] { 1, 2, 3 }, "image/png"), new UriContent("https://example.com/cat.jpg", "image/jpeg")]),
            new(ChatRole.User, [new DataContent(new byte[] { 4, 5 }, "application/pdf")]),
            new(ChatRole.Assistant, "A cat."),
            new(ChatRole.User, "Thanks"),
        ];
        var options = new ChatOptions
        {
            ModelId = "claude-sonnet-4-5",
            Instructions = "Be helpful.",
            Temperature = 0.5f,
            TopP = 0.9f,
            TopK = 40,
            StopSequences = ["END"],
        };

        await client.GetResponseAsync(messages, options);

        var request = upstream.Requests.ShouldHaveSingleItem();
        request.PathAndQuery.ShouldBe("/v1/messages");
        request.Header("x-api-key").ShouldBe(AnthropicKey);
        request.Header("anthropic-version").ShouldBe("2023-06-01");
        request.Header("anthropic-beta").ShouldBe("test-beta");
        request.Header("Authorization").ShouldBeNull();
        request.Body.ShouldBeJson("""
            {
              "model": "claude-sonnet-4-5",
              "max_tokens": 4096,
              "system": "Be helpful.\n\nYou are terse.",
              "messages": [
                {"role": "user", "content": [
                  {"type": "text", "text": "What is in this image?"},
                  {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "AQID"}},
                  {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}},
                  {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "BAU="}}
                ]},
                {"role": "assistant", "content": [{"type": "text", "text": "A cat."}]},
                {"role": "user", "content": [{"type": "text", "text": "Thanks"}]}
              ],
              "stop_sequences": ["END"],
              "temperature": 0.5,
              "top_p": 0.9,
              "top_k": 40
            }
            """);
    }

    [Fact]
    public async Task Maps_a_message_with_cache_read_and_write_usage_normalised()
    {
        await using var upstream = await FakeLlmUpstream.StartAsync();
        using var client = Anthropic(upstream);

        var response = await client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 100 });

        upstream.Requests[0].Json["max_tokens"]!.GetValue<int>().ShouldBe(100);
        response.Text.ShouldBe("Hello! How can I help you today?");
        response.ModelId.ShouldBe("claude-3-5-haiku-20241022");
        response.ResponseId.ShouldBe("msg_fixture001");
        response.FinishReason.ShouldBe(ChatFinishReason.Stop);
        AssertFixtureUsage(response.Usage.ShouldNotBeNull());
    }

    [Fact]
    public async Task Streams_text_and_reports_usage_from_message_start_and_message_delta()
    {
        await using var upstream = await FakeLlmUpstream.StartAsync();
        using var client = Anthropic(upstream);

        var updates = await CollectAsync(client.GetStreamingResponseAsync("hi"));

        upstream.Requests.ShouldHaveSingleItem().Body.ShouldBeJson("""
            {"model":"claude-3-5-haiku-latest","max_tokens":4096,"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],"stream":true}
            """);
        string.Concat(updates.Select(u => u.Text)).ShouldBe("Hello! How can I help you today?");
        updates.ShouldAllBe(u => u.ModelId == "claude-3-5-haiku-20241022" && u.ResponseId == "msg_fixture002");
        var usage = updates[^1].Contents.OfType<UsageContent>().ShouldHaveSingleItem().Details;
        AssertFixtureUsage(usage);
        var response = updates.ToChatResponse();
        response.FinishReason.ShouldBe(ChatFinishReason.Stop);
        AssertFixtureUsage(response.Usage!);
    }

    private static void AssertFixtureUsage(UsageDetails usage)
    {
        // input_tokens 25 + cache_read 1000 + cache_creation 300 (200 for 5 minutes, 100 for 1 hour); output 12.
        usage.InputTokenCount.ShouldBe(1325);
        usage.CachedInputTokenCount.ShouldBe(1000);
        usage.OutputTokenCount.ShouldBe(12);
        usage.TotalTokenCount.ShouldBe(1337);
        usage.AdditionalCounts.ShouldNotBeNull();
        usage.AdditionalCounts[LlmUsageKeys.CacheWriteInputTokens].ShouldBe(300);
        usage.AdditionalCounts[LlmUsageKeys.CacheWrite5mInputTokens].ShouldBe(200);
        usage.AdditionalCounts[LlmUsageKeys.CacheWrite1hInputTokens].ShouldBe(100);
    }

    [Fact]
    public async Task Sends_tools_and_tool_choice_and_reads_tool_use()
    {
        await using var upstream = await FakeLlmUpstream.StartAsync();
        using var client = Anthropic(upstream);
        var options = new ChatOptions { Tools = [WeatherTool()], ToolMode = ChatToolMode.RequireAny, AllowMultipleToolCalls = false };

        var response = await client.GetResponseAsync("Weather in Paris?", options);

        var json = upstream.Requests.ShouldHaveSingleItem().Json;
        json["tools"]!.ToJsonString().ShouldBeJson("""
            [{"name":"get_weather","description":"Current weather for a location",
              "input_schema":{"type":"object","properties":{"location":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["location"]}}]
            """);
        json["tool_choice"]!.ToJsonString().ShouldBeJson("""{"type":"any","disable_parallel_tool_use":true}""");
        response.FinishReason.ShouldBe(ChatFinishReason.ToolCalls);
        response.Text.ShouldBe("I'll check the weather in Paris.");
        var call = response.Messages.ShouldHaveSingleItem().Contents.OfType<FunctionCallContent>().ShouldHaveSingleItem();
        call.CallId.ShouldBe("toolu_fixture_weather");
        call.Name.ShouldBe("get_weather");
        call.Arguments!["location"].ShouldBeOfType<JsonElement>().GetString().ShouldBe("Paris, France");
    }

    [Theory]
    [InlineData("auto", """{"type":"auto"}""")]
    [InlineData("none", """{"type":"none"}""")]
    [InlineData("specific", """{"type":"tool","name":"get_weather"}""")]
    public async Task Maps_tool_modes(string mode, string expected)
    {
        await using var upstream = await FakeLlmUpstream.StartAsync();
        using var client = Anthropic(upstream);
        ChatToolMode toolMode = mode switch { "auto" => ChatToolMode.Auto, "none" => ChatToolMode.None, _ => ChatToolMode.RequireSpecific("get_weather") };

        await client.GetResponseAsync("x", new ChatOptions { Tools = [WeatherTool()], ToolMode = toolMode });

        upstream.Requests[0].Json["tool_choice"]!.ToJsonString().ShouldBeJson(expected);
    }

    [Fact]
    public async Task Assembles_streamed_tool_input_into_one_function_call()
    {
        await using var upstream = await FakeLlmUpstream.StartAsync();
        using var client = Anthropic(upstream);

        var updates = await CollectAsync(client.GetStreamingResponseAsync("Weather in Paris?", new ChatOptions { Tools = [WeatherTool()] }));

        var call = updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>().ShouldHaveSingleItem();
        call.CallId.ShouldBe("toolu_fixture_weather");
        call.Exception.ShouldBeNull();
        call.Arguments!["location"].ShouldBeOfType<JsonElement>().GetString().ShouldBe("Paris, France");
        call.Arguments["unit"].ShouldBeOfType<JsonElement>().GetString().ShouldBe("celsius");
        var response = updates.ToChatResponse();
        response.FinishReason.ShouldBe(ChatFinishReason.ToolCalls);
        response.Text.ShouldBe("I'll check the weather in Paris.");
        response.Usage!.InputTokenCount.ShouldBe(380);
        response.Usage.OutputTokenCount.ShouldBe(65);
    }

    [Fact]
    public async Task Sends_a_tool_round_trip_as_tool_use_and_one_user_turn_of_tool_results()
    {
        await using var upstream = await FakeLlmUpstream.StartAsync();
        using var client = Anthropic(upstream);
        List<ChatMessage> history =
        [
            new(ChatRole.User, "Weather in Paris and Lyon?"),
            new(ChatRole.Assistant, [
                new TextContent("Checking."),
                new FunctionCallContent("toolu_1", "get_weather", new Dictionary<string, object?> { ["location"] = "Paris" }),
                new FunctionCallContent("toolu_2", "get_weather", new Dictionary<string, object?> { ["location"] = "Lyon" }),
            ]),
            new(ChatRole.Tool, [new FunctionResultContent("toolu_1", new { temperature = 21 })]),
            new(ChatRole.Tool, [new FunctionResultContent("toolu_2", null) { Exception = new InvalidOperationException("station offline") }]),
        ];

        await client.GetResponseAsync(history);

        upstream.Requests[0].Json["messages"]!.ToJsonString().ShouldBeJson("""
            [
              {"role":"user","content":[{"type":"text","text":"Weather in Paris and Lyon?"}]},
              {"role":"assistant","content":[
                {"type":"text","text":"Checking."},
                {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"location":"Paris"}},
                {"type":"tool_use","id":"toolu_2","name":"get_weather","input":{"location":"Lyon"}}
              ]},
              {"role":"user","content":[
                {"type":"tool_result","tool_use_id":"toolu_1","content":"{\"temperature\":21}"},
                {"type":"tool_result","tool_use_id":"toolu_2","content":"Error: station offline","is_error":true}
              ]}
            ]
            """);
    }

    [Fact]
    public async Task Passes_cache_control_from_additional_properties()
    {
        await using var upstream = await FakeLlmUpstream.StartAsync();
        using var client = Anthropic(upstream);
        var system = new TextContent("Long reference text.") { AdditionalProperties = new() { ["cache_control"] = "ephemeral" } };
        var user = new ChatMessage(ChatRole.User, "Question") { AdditionalProperties = new() { ["cache_control"] = "1h" } };
        var tool = AIFunctionFactory.CreateDeclaration("lookup", null, JsonDocument.Parse("""{"type":"object"}""").RootElement);
        tool.AdditionalProperties.ShouldBeEmpty();
        var options = new ChatOptions { Tools = [tool] };

        await client.GetResponseAsync([new ChatMessage(ChatRole.System, [system]), user], options);

        var json = upstream.Requests[0].Json;
        json["system"]!.ToJsonString().ShouldBeJson("""[{"type":"text","text":"Long reference text.","cache_control":{"type":"ephemeral"}}]""");
        json["messages"]![0]!["content"]![0]!.ToJsonString().ShouldBeJson("""{"type":"text","text":"Question","cache_control":{"type":"ephemeral","ttl":"1h"}}""");
        json["tools"]![0]!["cache_control"].ShouldBeNull();
    }

    [Fact]
    public async Task Asks_for_json_in_the_system_prompt_since_the_messages_api_has_no_json_mode()
    {
        await using var upstream = await FakeLlmUpstream.StartAsync();
        using var client = Anthropic(upstream);
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}}}""").RootElement;

        await client.GetResponseAsync("x", new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "city") });

        var system = upstream.Requests[0].Json["system"]!.GetValue<string>();
        system.ShouldStartWith("Respond only with one JSON object");
        system.ShouldContain("""{"type":"object","properties":{"city":{"type":"string"}}}""");
    }

    [Fact]
    public async Task Round_trips_thinking_blocks_with_their_signature()
    {
        await using var upstream = await FakeLlmUpstream.StartAsync();
        upstream.Enqueue(FakeLlmBehavior.Status(200, """
            {"id":"msg_t","type":"message","role":"assistant","model":"claude-sonnet-4-5","stop_reason":"end_turn","stop_sequence":null,
             "content":[{"type":"thinking","thinking":"Let me think.","signature":"sig-abc"},{"type":"text","text":"42"}],
             "usage":{"input_tokens":10,"output_tokens":20}}
            """));
        using var client = Anthropic(upstream);

        var response = await client.GetResponseAsync("Answer?");
        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Answer?"), .. response.Messages, new ChatMessage(ChatRole.User, "Why?")]);

        var reasoning = response.Messages[0].Contents.OfType<TextReasoningContent>().ShouldHaveSingleItem();
        reasoning.Text.ShouldBe("Let me think.");
        reasoning.ProtectedData.ShouldBe("sig-abc");
        response.Text.ShouldBe("42");
        response.Usage!.AdditionalCounts.ShouldBeNull();
        upstream.Requests[1].Json["messages"]![1]!.ToJsonString().ShouldBeJson("""
            {"role":"assistant","content":[{"type":"thinking","thinking":"Let me think.","signature":"sig-abc"},{"type":"text","text":"42"}]}
            """);
    }

    [Fact]
    public async Task Metadata_names_anthropic_and_the_base_url()
    {
        await using var upstream = await FakeLlmUpstream.StartAsync();
        using var client = Anthropic(upstream);

        var metadata = client.GetService<ChatClientMetadata>().ShouldNotBeNull();

        metadata.ProviderName.ShouldBe("anthropic");
        metadata.ProviderUri.ShouldBe(upstream.BaseUrl);
        metadata.DefaultModelId.ShouldBe("claude-3-5-haiku-latest");
    }
}
