using System.Text.Json;
using Foundation.Llm.Routing.Providers;
using Foundation.Tests.Common.Llm;
using Microsoft.Extensions.AI;
using static Foundation.Llm.Routing.Tests.Providers.ProviderTestHelpers;

namespace Foundation.Llm.Routing.Tests.Providers;

public sealed class OpenAIChatClientTests
{
    [Fact]
    public async Task Sends_the_documented_request_body_and_headers()
    {
        await using var upstream = await FakeLlmUpstream.StartAsync();
        using var client = OpenAI(upstream, configure: o => o.Headers["OpenAI-Organization"] = "org-test");
        var image = new DataContent(new byte[] { 1, 2, 3 }, "image/png");
        List<ChatMessage> messages =
        [
            new(ChatRole.System, "You are terse."),
            new(new ChatRole("developer"), "Answer in English."),
            new(ChatRole.User, [new TextContent("What is in this image?"), image, new UriContent("https://example.com/cat.jpg", "image/jpeg")]),
            new(ChatRole.Assistant, "A cat."),
            new(ChatRole.User, "Thanks") { AuthorName = "alice" },
        ];
        var options = new ChatOptions
        {
            ModelId = "gpt-4o",
            Instructions = "Be helpful.",
            Temperature = 0.7f,
            TopP = 0.9f,
            MaxOutputTokens = 256,
            StopSequences = ["END"],
            Seed = 42,
            FrequencyPenalty = 0.5f,
            PresencePenalty = -0.5f,
        };

        await client.GetResponseAsync(messages, options);

        var request = upstream.Requests.ShouldHaveSingleItem();
        request.PathAndQuery.ShouldBe("/v1/chat/completions");
        request.Header("Authorization").ShouldBe("Bearer " + OpenAIKey);
        request.Header("api-key").ShouldBeNull();
        request.Header("OpenAI-Organization").ShouldBe("org-test");
        request.Header("Content-Type").ShouldBe("application/json; charset=utf-8");
        request.Body.ShouldBeJson("""
            {
              "model": "gpt-4o",
              "messages": [
                {"role": "system", "content": "Be helpful."},
                {"role": "system", "content": "You are terse."},
                {"role": "developer", "content": "Answer in English."},
                {"role": "user", "content": [
                  {"type": "text", "text": "What is in this image?"},
                  {"type": "image_url", "image_url": {"url": "data:image/png;base64,AQID"}},
                  {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}}
                ]},
                {"role": "assistant", "content": "A cat."},
                {"role": "user", "name": "alice", "content": "Thanks"}
              ],
              "temperature": 0.7,
              "top_p": 0.9,
              "max_tokens": 256,
              "stop": ["END"],
              "seed": 42,
              "frequency_penalty": 0.5,
              "presence_penalty": -0.5
            }
            """);
    }

    [Fact]
    public async Task Uses_max_completion_tokens_for_OpenAI_and_Azure_and_max_tokens_for_compatible_servers_unless_configured()
    {
        await using var upstream = await FakeLlmUpstream.StartAsync();
        var options = new ChatOptions { MaxOutputTokens = 100 };
        using (var compatible = OpenAI(upstream))
        {
            await compatible.GetResponseAsync("hi", options);
        }

        using (var forced = OpenAI(upstream, configure: o => o.UseMaxCompletionTokens = true))
        {
            await forced.GetResponseAsync("hi", options);
        }

        using (var azure = OpenAI(upstream, configure: o => o.ApiVersion = "2024-10-21"))
        {
            await azure.GetResponseAsync("hi", options);
        }

        var requests = upstream.Requests;
        requests[0].Json["max_tokens"]!.GetValue<int>().ShouldBe(100);
        requests[0].Json["max_completion_tokens"].ShouldBeNull();
        requests[1].Json["max_completion_tokens"]!.GetValue<int>().ShouldBe(100);
        requests[2].Json["max_completion_tokens"]!.GetValue<int>().ShouldBe(100);
    }

    [Fact]
    public async Task Azure_form_puts_api_version_in_the_query_and_the_key_in_api_key()
    {
        await using var upstream = await FakeLlmUpstream.StartAsync();
        var deployment = new Uri(upstream.Root, "openai/deployments/my-gpt4o");
        using var client = OpenAI(upstream, configure: o =>
        {
            o.BaseUrl = deployment;
            o.ApiVersion = "2024-10-21";
            o.System = "az.ai.openai";
        });

        var response = await client.GetResponseAsync("hi");

        response.Text.ShouldBe("Hello! How can I help you today?");
        var request = upstream.Requests.ShouldHaveSingleItem();
        request.PathAndQuery.ShouldBe("/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21");
        request.Header("api-key").ShouldBe(OpenAIKey);
        request.Header("Authorization").ShouldBeNull();
        var metadata = client.GetService<ChatClientMetadata>().ShouldNotBeNull();
        metadata.ProviderName.ShouldBe("az.ai.openai");
        metadata.ProviderUri.ShouldBe(deployment);
        metadata.DefaultModelId.ShouldBe("gpt-4o-mini");
    }

    [Fact]
    public async Task Sends_audio_and_pdf_parts_and_refuses_content_it_cannot_send()
    {
        await using var upstream = await FakeLlmUpstream.StartAsync();
        using var client = OpenAI(upstream);
        var message = new ChatMessage(ChatRole.User, [
            new DataContent(new byte[] { 1, 2 }, "audio/wav"),
            new DataContent(new byte[] { 3, 4 }, "application/pdf") { Name = "report.pdf" },
        ]);

        await client.GetResponseAsync([message]);
        var ex = await Should.ThrowAsync<NotSupportedException>(() =>
            client.GetResponseAsync([new ChatMessage(ChatRole.User, [new DataContent(new byte[] { 1 }, "video/mp4")])]));

        upstream.Requests.ShouldHaveSingleItem().Json["messages"]![0]!["content"]!.ToJsonString().ShouldBeJson("""
            [{"type":"input_audio","input_audio":{"data":"AQI=","format":"wav"}},
             {"type":"file","file":{"filename":"report.pdf","file_data":"data:application/pdf;base64,AwQ="}}]
            """);
        ex.Message.ShouldContain("video/mp4");
    }

    [Fact]
    public async Task Stream_usage_can_be_turned_off_for_servers_that_reject_stream_options()
    {
        await using var upstream = await FakeLlmUpstream.StartAsync();
        using var client = OpenAI(upstream, configure: o => o.IncludeStreamUsage = false);

        await CollectAsync(client.GetStreamingResponseAsync("hi"));

        var json = upstream.Requests.ShouldHaveSingleItem().Json;
        json["stream"]!.GetValue<bool>().ShouldBeTrue();
        json["stream_options"].ShouldBeNull();
    }

    [Fact]
    public async Task Maps_a_completion_with_usage_including_cached_and_reasoning_tokens()
    {
        await using var upstream = await FakeLlmUpstream.StartAsync();
        using var client = OpenAI(upstream);

        var plain = await client.GetResponseAsync("hi");
        upstream.Enqueue(FakeLlmBehavior.Status(200, """
            {"id":"chatcmpl-r1","object":"chat.completion","created":1741569952,"model":"o3-mini-2025-01-31",
             "choices":[{"index":0,"message":{"role":"assistant","content":"42"},"finish_reason":"length"}],
             "usage":{"prompt_tokens":100,"completion_tokens":500,"total_tokens":600,
                      "prompt_tokens_details":{"cached_tokens":64},"completion_tokens_details":{"reasoning_tokens":448}}}
            """));
        var reasoning = await client.GetResponseAsync("think");

        plain.Text.ShouldBe("Hello! How can I help you today?");
        plain.ModelId.ShouldBe("gpt-4o-mini-2024-07-18");
        plain.ResponseId.ShouldBe("chatcmpl-fixture001");
        plain.FinishReason.ShouldBe(ChatFinishReason.Stop);
        plain.CreatedAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(1741569952));
        plain.Usage.ShouldNotBeNull();
        plain.Usage.InputTokenCount.ShouldBe(1200);
        plain.Usage.CachedInputTokenCount.ShouldBe(1024);
        plain.Usage.OutputTokenCount.ShouldBe(10);
        plain.Usage.ReasoningTokenCount.ShouldBe(0);
        plain.Usage.TotalTokenCount.ShouldBe(1210);

        reasoning.FinishReason.ShouldBe(ChatFinishReason.Length);
        reasoning.Usage!.ReasoningTokenCount.ShouldBe(448);
        reasoning.Usage.OutputTokenCount.ShouldBe(500);
        reasoning.Usage.CachedInputTokenCount.ShouldBe(64);
    }

    [Fact]
    public async Task Streams_text_and_reports_usage_in_the_last_update()
    {
        await using var upstream = await FakeLlmUpstream.StartAsync();
        using var client = OpenAI(upstream);

        var updates = await CollectAsync(client.GetStreamingResponseAsync("hi", new ChatOptions { ModelId = "gpt-4o-mini" }));

        upstream.Requests.ShouldHaveSingleItem().Body.ShouldBeJson("""
            {"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}}
            """);
        upstream.Requests[0].Header("Accept").ShouldBe("text/event-stream");
        string.Concat(updates.Select(u => u.Text)).ShouldBe("Hello! How can I help you today?");
        updates.ShouldAllBe(u => u.ModelId == "gpt-4o-mini-2024-07-18" && u.ResponseId == "chatcmpl-fixture002");
        updates.Count(u => u.Contents.OfType<UsageContent>().Any()).ShouldBe(1);
        var usage = updates[^1].Contents.OfType<UsageContent>().ShouldHaveSingleItem().Details;
        usage.InputTokenCount.ShouldBe(1200);
        usage.CachedInputTokenCount.ShouldBe(1024);
        usage.OutputTokenCount.ShouldBe(10);

        var response = updates.ToChatResponse();
        response.FinishReason.ShouldBe(ChatFinishReason.Stop);
        response.Usage!.InputTokenCount.ShouldBe(1200);
        response.Text.ShouldBe("Hello! How can I help you today?");
    }

    [Fact]
    public async Task Sends_tools_and_tool_choice_and_reads_the_tool_call()
    {
        await using var upstream = await FakeLlmUpstream.StartAsync();
        using var client = OpenAI(upstream);
        var options = new ChatOptions { Tools = [WeatherTool()], ToolMode = ChatToolMode.RequireSpecific("get_weather"), AllowMultipleToolCalls = false };

        var response = await client.GetResponseAsync("Weather in Paris?", options);

        var json = upstream.Requests.ShouldHaveSingleItem().Json;
        json["tools"]!.ToJsonString().ShouldBeJson("""
            [{"type":"function","function":{"name":"get_weather","description":"Current weather for a location",
              "parameters":{"type":"object","properties":{"location":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["location"]}}}]
            """);
        json["tool_choice"]!.ToJsonString().ShouldBeJson("""{"type":"function","function":{"name":"get_weather"}}""");
        json["parallel_tool_calls"]!.GetValue<bool>().ShouldBeFalse();
        response.FinishReason.ShouldBe(ChatFinishReason.ToolCalls);
        var call = response.Messages.ShouldHaveSingleItem().Contents.OfType<FunctionCallContent>().ShouldHaveSingleItem();
        call.CallId.ShouldBe("call_fixture_weather");
        call.Name.ShouldBe("get_weather");
        call.Arguments!["location"].ShouldBeOfType<JsonElement>().GetString().ShouldBe("Paris, France");
        call.Arguments["unit"].ShouldBeOfType<JsonElement>().GetString().ShouldBe("celsius");
    }

    [Theory]
    [InlineData("auto", "\"auto\"")]
    [InlineData("none", "\"none\"")]
    [InlineData("required", "\"required\"")]
    public async Task Maps_tool_modes(string mode, string expected)
    {
        await using var upstream = await FakeLlmUpstream.StartAsync();
        using var client = OpenAI(upstream);
        ChatToolMode toolMode = mode switch { "auto" => ChatToolMode.Auto, "none" => ChatToolMode.None, _ => ChatToolMode.RequireAny };

        await client.GetResponseAsync("x", new ChatOptions { Tools = [WeatherTool()], ToolMode = toolMode });

        upstream.Requests[0].Json["tool_choice"]!.ToJsonString().ShouldBe(expected);
    }

    [Fact]
    public async Task Stitches_streamed_tool_call_arguments_into_one_function_call()
    {
        await using var upstream = await FakeLlmUpstream.StartAsync();
        using var client = OpenAI(upstream);

        var updates = await CollectAsync(client.GetStreamingResponseAsync("Weather in Paris?", new ChatOptions { Tools = [WeatherTool()] }));

        var call = updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>().ShouldHaveSingleItem();
        call.CallId.ShouldBe("call_fixture_weather");
        call.Exception.ShouldBeNull();
        call.Arguments!["location"].ShouldBeOfType<JsonElement>().GetString().ShouldBe("Paris, France");
        updates.ToChatResponse().FinishReason.ShouldBe(ChatFinishReason.ToolCalls);
        updates[^1].Contents.OfType<UsageContent>().ShouldHaveSingleItem().Details.TotalTokenCount.ShouldBe(100);
    }

    [Fact]
    public async Task Sends_a_tool_round_trip_as_assistant_tool_calls_and_tool_messages()
    {
        await using var upstream = await FakeLlmUpstream.StartAsync();
        using var client = OpenAI(upstream);
        List<ChatMessage> history =
        [
            new(ChatRole.User, "Weather in Paris?"),
            new(ChatRole.Assistant, [new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["location"] = "Paris", ["days"] = 2 })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", new { temperature = 21, sky = "clear" })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_2", "plain text result")]),
        ];

        await client.GetResponseAsync(history, new ChatOptions { Tools = [WeatherTool()] });

        upstream.Requests[0].Json["messages"]!.ToJsonString().ShouldBeJson("""
            [
              {"role":"user","content":"Weather in Paris?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Paris\",\"days\":2}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"{\"temperature\":21,\"sky\":\"clear\"}"},
              {"role":"tool","tool_call_id":"call_2","content":"plain text result"}
            ]
            """);
    }

    [Fact]
    public async Task Sends_json_mode_and_json_schema_response_formats()
    {
        await using var upstream = await FakeLlmUpstream.StartAsync();
        using var client = OpenAI(upstream);
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""").RootElement;

        await client.GetResponseAsync("x", new ChatOptions { ResponseFormat = ChatResponseFormat.Json });
        await client.GetResponseAsync("x", new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "city_answer", "The city") });
        await client.GetResponseAsync("x", new ChatOptions { ResponseFormat = ChatResponseFormat.Text });

        upstream.Requests[0].Json["response_format"]!.ToJsonString().ShouldBeJson("""{"type":"json_object"}""");
        upstream.Requests[1].Json["response_format"]!.ToJsonString().ShouldBeJson("""
            {"type":"json_schema","json_schema":{"name":"city_answer","description":"The city","schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}
            """);
        upstream.Requests[2].Json["response_format"].ShouldBeNull();
    }

    [Fact]
    public async Task Without_a_model_the_call_fails_with_an_actionable_message_before_sending()
    {
        await using var upstream = await FakeLlmUpstream.StartAsync();
        using var client = OpenAI(upstream, configure: o => o.DefaultModel = null);

        var ex = await Should.ThrowAsync<InvalidOperationException>(() => client.GetResponseAsync("hi"));

        ex.Message.ShouldContain("ChatOptions.ModelId");
        upstream.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Generated_text_answers_round_trip_in_both_modes()
    {
        await using var upstream = await FakeLlmUpstream.StartAsync();
        upstream.DefaultBehavior = FakeLlmBehavior.Text("one two three", inputTokens: 5, outputTokens: 3);
        using var client = OpenAI(upstream);

        var plain = await client.GetResponseAsync("hi", new ChatOptions { ModelId = "my-model" });
        var streamed = (await CollectAsync(client.GetStreamingResponseAsync("hi", new ChatOptions { ModelId = "my-model" }))).ToChatResponse();

        plain.Text.ShouldBe("one two three");
        plain.ModelId.ShouldBe("my-model");
        streamed.Text.ShouldBe("one two three");
        streamed.Usage!.TotalTokenCount.ShouldBe(8);
    }

    [Fact]
    public void Answers_metadata_and_itself_through_GetService()
    {
        using var client = new Foundation.Llm.Routing.Providers.OpenAI.OpenAIChatClient(
            new HttpClient(), new OpenAIChatClientOptions { BaseUrl = new Uri("http://127.0.0.1:11434/v1"), System = "ollama", DefaultModel = "llama3.2" });

        var metadata = client.GetService<ChatClientMetadata>().ShouldNotBeNull();
        metadata.ProviderName.ShouldBe("ollama");
        metadata.DefaultModelId.ShouldBe("llama3.2");
        client.GetService<IChatClient>().ShouldBeSameAs(client);
        client.GetService<ChatClientMetadata>("key").ShouldBeNull();
    }
}
