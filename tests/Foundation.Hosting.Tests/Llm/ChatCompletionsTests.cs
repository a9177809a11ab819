using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Text;
using System.Text.Json;
using Foundation.Llm.Routing.Errors;
using OpenAI;
using OpenAI.Chat;
using AI = Microsoft.Extensions.AI;

namespace Foundation.Hosting.Tests.Llm;

/// <summary>
/// <c>/v1/chat/completions</c> and <c>/v1/models</c> driven by the official OpenAI .NET SDK 2.15.0 (unchanged, through
/// the in-memory transport) and by raw HTTP for the refusals, over a scripted <see cref="AI.IChatClient"/>.
/// </summary>
public sealed class ChatCompletionsTests : IDisposable
{
    private readonly ScriptedChatClient _chat = new();
    private readonly LlmTestHost _host;

    public ChatCompletionsTests() => _host = new LlmTestHost(_chat);

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task The_OpenAI_SDK_gets_a_completion_with_usage_details()
    {
        _chat.Respond = (messages, options) => new AI.ChatResponse(new AI.ChatMessage(AI.ChatRole.Assistant, "Hello from the router"))
        {
            ModelId = "gpt-test-2025",
            FinishReason = AI.ChatFinishReason.Length,
            Usage = new AI.UsageDetails { InputTokenCount = 120, OutputTokenCount = 30, TotalTokenCount = 150, CachedInputTokenCount = 100, ReasoningTokenCount = 12 },
        };
        var client = await SdkClientAsync("chat");

        ChatCompletion completion = await client.CompleteChatAsync(
            [new SystemChatMessage("Be brief."), new UserChatMessage("Say hello")],
            Options());

        static ChatCompletionOptions Options()
        {
#pragma warning disable OPENAI001 // Seed is marked experimental in the SDK; the gateway forwards it.
            return new ChatCompletionOptions { Temperature = 0.5f, MaxOutputTokenCount = 64, TopP = 0.9f, Seed = 42, EndUserId = "end-user-7" };
#pragma warning restore OPENAI001
        }

        completion.Content.Single().Text.ShouldBe("Hello from the router");
        completion.Model.ShouldBe("gpt-test-2025");
        completion.Role.ShouldBe(ChatMessageRole.Assistant);
        completion.FinishReason.ShouldBe(OpenAI.Chat.ChatFinishReason.Length);
        completion.Id.ShouldStartWith("chatcmpl-");
        completion.Usage.InputTokenCount.ShouldBe(120);
        completion.Usage.OutputTokenCount.ShouldBe(30);
        completion.Usage.TotalTokenCount.ShouldBe(150);
        completion.Usage.InputTokenDetails.CachedTokenCount.ShouldBe(100);
        completion.Usage.OutputTokenDetails.ReasoningTokenCount.ShouldBe(12);

        // What the router was handed.
        _chat.LastMessages!.Select(m => (m.Role, m.Text)).ShouldBe([(AI.ChatRole.System, "Be brief."), (AI.ChatRole.User, "Say hello")]);
        var options = _chat.LastOptions!;
        options.ModelId.ShouldBe("chat");
        options.Temperature.ShouldBe(0.5f);
        options.MaxOutputTokens.ShouldBe(64);
        options.TopP.ShouldBe(0.9f);
        options.Seed.ShouldBe(42);
        options.AdditionalProperties!["user"].ShouldBe("end-user-7");
    }

    [Fact]
    public async Task The_OpenAI_SDK_streams_text_and_gets_the_final_usage_chunk()
    {
        _chat.Stream = (_, _) =>
        [
            new AI.ChatResponseUpdate(AI.ChatRole.Assistant, "Hel") { ModelId = "gpt-test-2025", ResponseId = "r1" },
            new AI.ChatResponseUpdate(AI.ChatRole.Assistant, "lo, ") { ModelId = "gpt-test-2025", ResponseId = "r1" },
            new AI.ChatResponseUpdate(AI.ChatRole.Assistant, "world") { ModelId = "gpt-test-2025", ResponseId = "r1" },
            new AI.ChatResponseUpdate(AI.ChatRole.Assistant, [new AI.UsageContent(new AI.UsageDetails
            {
                InputTokenCount = 9, OutputTokenCount = 3, TotalTokenCount = 12, CachedInputTokenCount = 4, ReasoningTokenCount = 1,
            })]) { FinishReason = AI.ChatFinishReason.Stop },
        ];
        var client = await SdkClientAsync("chat");

        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        OpenAI.Chat.ChatFinishReason? finish = null;
        var updates = 0;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Say hello")]))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage = update.Usage ?? usage;
            finish = update.FinishReason ?? finish;
            update.Model.ShouldBe("gpt-test-2025");
        }

        text.ToString().ShouldBe("Hello, world");
        finish.ShouldBe(OpenAI.Chat.ChatFinishReason.Stop);
        usage.ShouldNotBeNull();
        usage.InputTokenCount.ShouldBe(9);
        usage.OutputTokenCount.ShouldBe(3);
        usage.InputTokenDetails.CachedTokenCount.ShouldBe(4);
        usage.OutputTokenDetails.ReasoningTokenCount.ShouldBe(1);
        updates.ShouldBeGreaterThanOrEqualTo(4);
    }

    [Fact]
    public async Task Tools_go_to_the_router_and_tool_calls_come_back_plain_and_streamed()
    {
        _chat.Respond = (_, _) => new AI.ChatResponse(new AI.ChatMessage(AI.ChatRole.Assistant,
            [new AI.FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" })]))
        {
            FinishReason = AI.ChatFinishReason.ToolCalls,
        };
        var client = await SdkClientAsync("chat");
        var tool = ChatTool.CreateFunctionTool(
            "get_weather", "The weather in a city", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));
        var options = new ChatCompletionOptions { Tools = { tool }, ToolChoice = ChatToolChoice.CreateFunctionChoice("get_weather") };

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("Weather in Paris?")], options);
        completion.FinishReason.ShouldBe(OpenAI.Chat.ChatFinishReason.ToolCalls);
        var call = completion.ToolCalls.ShouldHaveSingleItem();
        call.Id.ShouldBe("call_1");
        call.FunctionName.ShouldBe("get_weather");
        JsonDocument.Parse(call.FunctionArguments.ToString()).RootElement.GetProperty("city").GetString().ShouldBe("Paris");

        var declared = _chat.LastOptions!.Tools.ShouldHaveSingleItem().ShouldBeAssignableTo<AI.AIFunctionDeclaration>()!;
        declared.Name.ShouldBe("get_weather");
        declared.Description.ShouldBe("The weather in a city");
        declared.JsonSchema.GetProperty("required")[0].GetString().ShouldBe("city");
        _chat.LastOptions!.ToolMode.ShouldBeOfType<AI.RequiredChatToolMode>().RequiredFunctionName.ShouldBe("get_weather");

        // The conversation continues with the assistant's call and the tool's result, which reach the router typed.
        _chat.Respond = (_, _) => new AI.ChatResponse(new AI.ChatMessage(AI.ChatRole.Assistant, "It is sunny."));
        ChatCompletion answer = await client.CompleteChatAsync(
            [new UserChatMessage("Weather in Paris?"), new AssistantChatMessage(completion), new ToolChatMessage("call_1", "sunny, 21 C")], options);
        answer.Content.Single().Text.ShouldBe("It is sunny.");
        var sent = _chat.LastMessages!;
        sent[1].Contents.OfType<AI.FunctionCallContent>().Single().Arguments!["city"].ShouldBeOfType<JsonElement>().GetString().ShouldBe("Paris");
        var result = sent[2].Contents.OfType<AI.FunctionResultContent>().Single();
        result.CallId.ShouldBe("call_1");
        result.Result.ShouldBe("sunny, 21 C");

        // Streamed, the call arrives as a tool_calls delta with its index.
        _chat.Stream = (_, _) =>
        [
            new AI.ChatResponseUpdate(AI.ChatRole.Assistant, [new AI.FunctionCallContent("call_2", "get_weather", new Dictionary<string, object?> { ["city"] = "Oslo" })]),
            new AI.ChatResponseUpdate { FinishReason = AI.ChatFinishReason.ToolCalls },
        ];
        var calls = new List<StreamingChatToolCallUpdate>();
        OpenAI.Chat.ChatFinishReason? finish = null;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Weather in Oslo?")], options))
        {
            calls.AddRange(update.ToolCallUpdates);
            finish = update.FinishReason ?? finish;
        }

        finish.ShouldBe(OpenAI.Chat.ChatFinishReason.ToolCalls);
        var streamed = calls.ShouldHaveSingleItem();
        streamed.Index.ShouldBe(0);
        streamed.ToolCallId.ShouldBe("call_2");
        streamed.FunctionName.ShouldBe("get_weather");
        streamed.FunctionArgumentsUpdate.ToString().ShouldBe("""{"city":"Oslo"}""");
    }

    [Fact]
    public async Task Json_response_format_stop_and_image_parts_are_translated()
    {
        var client = await SdkClientAsync("chat");
        var schema = BinaryData.FromString("""{"type":"object","properties":{"answer":{"type":"string"}}}""");
        var options = new ChatCompletionOptions { ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("reply", schema), StopSequences = { "END" } };
        var image = ChatMessageContentPart.CreateImagePart(new Uri("https://example.com/cat.png"));

        await client.CompleteChatAsync([new UserChatMessage(ChatMessageContentPart.CreateTextPart("What is this?"), image)], options);

        var sent = _chat.LastOptions!;
        var format = sent.ResponseFormat.ShouldBeOfType<AI.ChatResponseFormatJson>();
        format.SchemaName.ShouldBe("reply");
        format.Schema!.Value.GetProperty("properties").TryGetProperty("answer", out _).ShouldBeTrue();
        sent.StopSequences.ShouldBe(["END"]);
        var contents = _chat.LastMessages!.Single().Contents;
        contents[0].ShouldBeOfType<AI.TextContent>().Text.ShouldBe("What is this?");
        contents[1].ShouldBeOfType<AI.UriContent>().Uri.ShouldBe(new Uri("https://example.com/cat.png"));
    }

    [Theory]
    [InlineData("{not json", null, "invalid_json")]
    [InlineData("[1,2]", null, null)]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", "model", "missing_required_parameter")]
    [InlineData("""{"model":"chat"}""", "messages", "missing_required_parameter")]
    [InlineData("""{"model":"chat","messages":[]}""", "messages", "empty_array")]
    [InlineData("""{"model":"chat","messages":[{"role":"wizard","content":"hi"}]}""", "messages[0].role", "invalid_value")]
    [InlineData("""{"model":"chat","messages":[{"role":"user","content":"hi"},{"content":"x"}]}""", "messages[1].role", "missing_required_parameter")]
    [InlineData("""{"model":"chat","messages":[{"role":"user","content":"hi"}],"temperature":7}""", "temperature", "invalid_value")]
    [InlineData("""{"model":"chat","messages":[{"role":"user","content":"hi"}],"max_tokens":-1}""", "max_tokens", "invalid_value")]
    [InlineData("""{"model":"chat","messages":[{"role":"tool","content":"x"}]}""", "messages[0].tool_call_id", "missing_required_parameter")]
    [InlineData("""{"model":"chat","messages":[{"role":"user","content":[{"type":"input_audio"}]}]}""", "messages[0].content[0].type", "invalid_value")]
    [InlineData("""{"model":"chat","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function"}]}""", "tools[0].function", "invalid_value")]
    [InlineData("""{"model":"chat","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"xml"}}""", "response_format.type", "invalid_value")]
    [InlineData("""{"model":"chat","messages":[{"role":"user","content":"hi"}],"n":3}""", "n", "invalid_value")]
    public async Task A_malformed_request_is_a_400_in_OpenAI_shape_naming_the_param(string body, string? param, string? code)
    {
        using var client = _host.CreateClient();
        var key = await _host.ApiKeyAsync(client);

        using var response = await client.SendAsync(LlmTestHost.RawJson("/v1/chat/completions", key, body));

        var error = await LlmTestHost.ShouldBeOpenAIErrorAsync(response, 400);
        error.GetProperty("type").GetString().ShouldBe("invalid_request_error");
        if (param is null)
        {
            error.GetProperty("param").ValueKind.ShouldBe(JsonValueKind.Null);
        }
        else
        {
            error.GetProperty("param").GetString().ShouldBe(param);
            error.GetProperty("message").GetString()!.ShouldContain(param.Split('.')[0].Split('[')[0]);
        }

        if (code is not null)
        {
            error.GetProperty("code").GetString().ShouldBe(code);
        }

        _chat.LastMessages.ShouldBeNull("a refused request never reaches the router");
    }

    [Fact]
    public async Task No_key_or_a_wrong_key_is_a_401_in_OpenAI_shape()
    {
        using var client = _host.CreateClient();
        const string body = """{"model":"chat","messages":[{"role":"user","content":"hi"}]}""";

        using var none = await client.SendAsync(LlmTestHost.RawJson("/v1/chat/completions", null, body));
        var error = await LlmTestHost.ShouldBeOpenAIErrorAsync(none, 401);
        error.GetProperty("code").GetString().ShouldBe("invalid_api_key");
        none.Headers.WwwAuthenticate.ToString().ShouldStartWith("Bearer");

        using var wrong = await client.SendAsync(LlmTestHost.RawJson("/v1/chat/completions", "fnd_AAAAAAAAAAAA_" + new string('x', 43), body));
        (await LlmTestHost.ShouldBeOpenAIErrorAsync(wrong, 401)).GetProperty("message").GetString()!.ShouldContain("invalid API key");

        using var models = await client.GetAsync("/v1/models");
        await LlmTestHost.ShouldBeOpenAIErrorAsync(models, 401);

        // The SDK surfaces it as a ClientResultException with the status.
        var sdk = new ChatClient("chat", new ApiKeyCredential("fnd_AAAAAAAAAAAA_" + new string('y', 43)), SdkOptions());
        var thrown = await Should.ThrowAsync<ClientResultException>(() => sdk.CompleteChatAsync([new UserChatMessage("hi")]));
        thrown.Status.ShouldBe(401);
        _chat.LastMessages.ShouldBeNull();
    }

    [Fact]
    public async Task Models_lists_the_catalog_in_OpenAI_shape()
    {
        using var client = _host.CreateClient();
        var key = await _host.ApiKeyAsync(client);
        var sdk = new OpenAIClient(new ApiKeyCredential(key), SdkOptions()).GetOpenAIModelClient();

        var models = (await sdk.GetModelsAsync()).Value;

        models.Select(m => (m.Id, m.OwnedBy)).ShouldBe([("chat", "foundation"), ("gpt-test", "openai")]);
    }

    [Theory]
    [InlineData("model", 404, "model_not_found", null)]
    [InlineData("policy", 403, "model_not_allowed", null)]
    [InlineData("rate", 429, "rate_limit_exceeded", "7")]
    [InlineData("overloaded", 503, "overloaded", null)]
    [InlineData("timeout", 504, "timeout", null)]
    [InlineData("upstream", 502, "upstream_error", null)]
    [InlineData("context", 400, "context_length_exceeded", null)]
    [InlineData("none", 503, "no_deployment_available", "30")]
    public async Task Router_failures_map_to_OpenAI_errors(string failure, int status, string code, string? retryAfter)
    {
        Exception error = failure switch
        {
            "model" => new LlmModelNotFoundException("gpt-nope"),
            "policy" => new LlmPolicyException("gpt-4o", "Foundation:Llm:Policies:Roles:viewer:AllowedModels", "viewer may not use gpt-4o"),
            "rate" => new LlmProviderException(LlmErrorKind.RateLimited, "slow down", HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(6.2)),
            "overloaded" => new LlmProviderException(LlmErrorKind.Overloaded, "overloaded"),
            "timeout" => new LlmProviderException(LlmErrorKind.Timeout, "no answer in 30 s"),
            "upstream" => new LlmProviderException(LlmErrorKind.UpstreamError, "HTTP 500"),
            "context" => new LlmProviderException(LlmErrorKind.ContextLengthExceeded, "too long"),
            _ => new LlmNoDeploymentAvailableException("every deployment of chat is cooling down") { RetryAfter = TimeSpan.FromSeconds(30) },
        };
        _chat.Respond = (_, _) => throw error;
        using var client = _host.CreateClient();
        var key = await _host.ApiKeyAsync(client);

        using var response = await client.SendAsync(LlmTestHost.RawJson("/v1/chat/completions", key, """{"model":"chat","messages":[{"role":"user","content":"hi"}]}"""));

        var body = await LlmTestHost.ShouldBeOpenAIErrorAsync(response, status);
        body.GetProperty("code").GetString().ShouldBe(code);
        body.GetProperty("message").GetString().ShouldBe(error.Message);
        response.Headers.RetryAfter?.ToString().ShouldBe(retryAfter);

        // The same before the first streamed byte: a plain HTTP error, not a 200 stream.
        _chat.StreamFailure = (0, error);
        using var streamed = await client.SendAsync(LlmTestHost.RawJson("/v1/chat/completions", key, """{"model":"chat","stream":true,"messages":[{"role":"user","content":"hi"}]}"""));
        (await LlmTestHost.ShouldBeOpenAIErrorAsync(streamed, status)).GetProperty("code").GetString().ShouldBe(code);
    }

    [Fact]
    public async Task A_failure_mid_stream_is_an_SSE_error_event_and_the_stream_ends_without_DONE()
    {
        _chat.Stream = (_, _) => [new AI.ChatResponseUpdate(AI.ChatRole.Assistant, "partial "), new AI.ChatResponseUpdate(AI.ChatRole.Assistant, "more")];
        _chat.StreamFailure = (1, new LlmProviderException(LlmErrorKind.MalformedResponse, "the stream was cut"));
        using var client = _host.CreateClient();
        var key = await _host.ApiKeyAsync(client);

        using var response = await client.SendAsync(LlmTestHost.RawJson(
            "/v1/chat/completions", key, """{"model":"chat","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}"""));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        events.Length.ShouldBe(2);
        var first = JsonDocument.Parse(events[0]["data: ".Length..]).RootElement;
        first.GetProperty("object").GetString().ShouldBe("chat.completion.chunk");
        first.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString().ShouldBe("partial ");
        var error = JsonDocument.Parse(events[1]["data: ".Length..]).RootElement.GetProperty("error");
        error.GetProperty("code").GetString().ShouldBe("upstream_malformed_response");
        error.GetProperty("message").GetString().ShouldBe("the stream was cut");
    }

    [Fact]
    public async Task The_raw_stream_has_role_first_usage_last_then_DONE()
    {
        using var client = _host.CreateClient();
        var key = await _host.ApiKeyAsync(client);
        _chat.Respond = (_, _) => new AI.ChatResponse(new AI.ChatMessage(AI.ChatRole.Assistant, "ok"))
        {
            Usage = new AI.UsageDetails { InputTokenCount = 5, OutputTokenCount = 1 },
            FinishReason = AI.ChatFinishReason.Stop,
        };

        using var response = await client.SendAsync(LlmTestHost.RawJson(
            "/v1/chat/completions", key, """{"model":"chat","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}"""));

        var text = await response.Content.ReadAsStringAsync();
        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        events[^1].ShouldBe("data: [DONE]");
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToList();
        chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString().ShouldBe("assistant");
        chunks.Take(chunks.Count - 1).ShouldAllBe(c => c.GetProperty("usage").ValueKind == JsonValueKind.Null);
        var last = chunks[^1];
        last.GetProperty("choices").GetArrayLength().ShouldBe(0);
        last.GetProperty("usage").GetProperty("prompt_tokens").GetInt32().ShouldBe(5);
        last.GetProperty("usage").GetProperty("total_tokens").GetInt32().ShouldBe(6);
        chunks.Count(c => c.GetProperty("choices").GetArrayLength() == 1 && c.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind == JsonValueKind.String).ShouldBe(1);
        chunks.Select(c => c.GetProperty("id").GetString()).Distinct().Count().ShouldBe(1);
    }

    private async Task<ChatClient> SdkClientAsync(string model)
    {
        using var client = _host.CreateClient();
        var key = await _host.ApiKeyAsync(client);
        return new ChatClient(model, new ApiKeyCredential(key), SdkOptions());
    }

    private OpenAIClientOptions SdkOptions() => new()
    {
        Endpoint = new Uri(_host.Factory.Server.BaseAddress, "/v1"),
        Transport = new HttpClientPipelineTransport(_host.CreateClient()),
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
    };
}
