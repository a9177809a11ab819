using System.Net;
using System.Net.Sockets;
using Foundation.Llm.Routing.Errors;
using Foundation.Tests.Common.Llm;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using static Foundation.Llm.Routing.Tests.Providers.ProviderTestHelpers;

namespace Foundation.Llm.Routing.Tests.Providers;

/// <summary>Every fault of the fake upstream, on both wire formats, plain and streamed, maps to the right <see cref="LlmErrorKind"/>.</summary>
public sealed class ProviderErrorTests
{
    public static TheoryData<FakeLlmFormat, bool> Modes() => new()
    {
        { FakeLlmFormat.OpenAI, false },
        { FakeLlmFormat.OpenAI, true },
        { FakeLlmFormat.Anthropic, false },
        { FakeLlmFormat.Anthropic, true },
    };

    private static async Task<LlmProviderException> FailAsync(
        FakeLlmFormat format, bool stream, FakeLlmBehavior behavior, HttpClient? http = null, TimeSpan? idle = null)
    {
        await using var upstream = await FakeLlmUpstream.StartAsync();
        upstream.Enqueue(behavior);
        using var client = Client(format, upstream, http, idle);
        return stream
            ? await Should.ThrowAsync<LlmProviderException>(() => CollectAsync(client.GetStreamingResponseAsync("hi")))
            : await Should.ThrowAsync<LlmProviderException>(() => client.GetResponseAsync("hi"));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Rate_limited_with_retry_after_seconds(FakeLlmFormat format, bool stream)
    {
        var ex = await FailAsync(format, stream, FakeLlmBehavior.RateLimited(retryAfter: "7"));

        ex.Kind.ShouldBe(LlmErrorKind.RateLimited);
        ex.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        ex.RetryAfter.ShouldBe(TimeSpan.FromSeconds(7));
        ex.IsTransient.ShouldBeTrue();
        ex.ProviderErrorCode.ShouldBe(format == FakeLlmFormat.OpenAI ? "rate_limit_exceeded" : "rate_limit_error");
        ex.Message.ShouldContain(format == FakeLlmFormat.OpenAI ? "Rate limit reached" : "per-minute rate limit");
    }

    [Fact]
    public async Task Rate_limited_prefers_retry_after_ms_and_reads_http_dates_against_the_response_date()
    {
        var msException = await FailAsync(FakeLlmFormat.OpenAI, false, FakeLlmBehavior.RateLimited(retryAfter: "1", retryAfterMs: "1500"));
        msException.RetryAfter.ShouldBe(TimeSpan.FromMilliseconds(1500));

        var date = FakeLlmBehavior.Custom(async (context, _) =>
        {
            var now = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
            context.Response.StatusCode = 429;
            context.Response.Headers.Date = now.ToString("r");
            context.Response.Headers.RetryAfter = FakeLlmBehavior.HttpDate(now, TimeSpan.FromSeconds(30));
            await context.Response.WriteAsync("""{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}""");
        });
        var dateException = await FailAsync(FakeLlmFormat.Anthropic, false, date);
        dateException.Kind.ShouldBe(LlmErrorKind.RateLimited);
        dateException.RetryAfter.ShouldBe(TimeSpan.FromSeconds(30));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Server_error_is_upstream_error(FakeLlmFormat format, bool stream)
    {
        var ex = await FailAsync(format, stream, FakeLlmBehavior.ServerError());

        ex.Kind.ShouldBe(LlmErrorKind.UpstreamError);
        ex.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        ex.RetryAfter.ShouldBeNull();
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Overloaded_is_529_for_anthropic_and_503_for_openai(FakeLlmFormat format, bool stream)
    {
        var ex = await FailAsync(format, stream, FakeLlmBehavior.Overloaded());

        ex.Kind.ShouldBe(LlmErrorKind.Overloaded);
        ((int)ex.StatusCode!).ShouldBe(format == FakeLlmFormat.OpenAI ? 503 : 529);
    }

    [Fact]
    public async Task Anthropic_overloaded_error_event_in_a_stream_is_overloaded()
    {
        var behavior = FakeLlmBehavior.Custom(async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("""
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude","content":[],"usage":{"input_tokens":5,"output_tokens":1}}}

                event: error
                data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}


                """);
        });

        var ex = await FailAsync(FakeLlmFormat.Anthropic, true, behavior);

        ex.Kind.ShouldBe(LlmErrorKind.Overloaded);
        ex.ProviderErrorCode.ShouldBe("overloaded_error");
        ex.Message.ShouldContain("Overloaded");
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Context_length_exceeded(FakeLlmFormat format, bool stream)
    {
        var ex = await FailAsync(format, stream, FakeLlmBehavior.ContextLengthExceeded());

        ex.Kind.ShouldBe(LlmErrorKind.ContextLengthExceeded);
        ex.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        ex.IsTransient.ShouldBeFalse();
        ex.Message.ShouldContain(format == FakeLlmFormat.OpenAI ? "maximum context length" : "prompt is too long");
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Content_filtered(FakeLlmFormat format, bool stream)
    {
        var ex = await FailAsync(format, stream, FakeLlmBehavior.ContentFiltered());

        ex.Kind.ShouldBe(LlmErrorKind.ContentFiltered);
        ex.ProviderErrorCode.ShouldBe(format == FakeLlmFormat.OpenAI ? "content_filter" : "refusal");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OpenAI_finish_reason_content_filter_without_content_is_content_filtered(bool stream)
    {
        var ex = await FailAsync(FakeLlmFormat.OpenAI, stream, FakeLlmBehavior.ContentFilterFinish());

        ex.Kind.ShouldBe(LlmErrorKind.ContentFiltered);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Unauthorized_is_authentication_failed_and_never_shows_the_key(FakeLlmFormat format, bool stream)
    {
        var echo = FakeLlmBehavior.Custom(async (context, request) =>
        {
            var key = request.Header("x-api-key") ?? request.Header("Authorization")!["Bearer ".Length..];
            context.Response.StatusCode = 401;
            await context.Response.WriteAsync($$$"""{"error":{"message":"Incorrect API key provided: {{{key}}}.","type":"authentication_error","code":"invalid_api_key"}}""");
        });

        var ex = await FailAsync(format, stream, echo);

        ex.Kind.ShouldBe(LlmErrorKind.AuthenticationFailed);
        ex.Message.ShouldContain("Incorrect API key provided: ***");
        ex.Message.ShouldNotContain(OpenAIKey);
        ex.Message.ShouldNotContain(AnthropicKey);
        ex.ToString().ShouldNotContain(OpenAIKey);
        ex.ToString().ShouldNotContain(AnthropicKey);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Other_client_errors_are_bad_requests(FakeLlmFormat format, bool stream)
    {
        var ex = await FailAsync(format, stream, FakeLlmBehavior.BadRequest());

        ex.Kind.ShouldBe(LlmErrorKind.BadRequest);
        ex.IsTransient.ShouldBeFalse();
        ex.Message.ShouldContain("temperature");
        ex.Provider.ShouldBe(format == FakeLlmFormat.OpenAI ? "openai-test" : "claude-test");
    }

    [Fact]
    public async Task Compatible_servers_error_shapes_are_read()
    {
        // vLLM: top-level object with a numeric code; TGI/Ollama: a plain string "error".
        var vllm = await FailAsync(FakeLlmFormat.OpenAI, false, FakeLlmBehavior.Status(400,
            """{"object":"error","message":"This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.","type":"BadRequestError","param":null,"code":400}"""));
        vllm.Kind.ShouldBe(LlmErrorKind.ContextLengthExceeded);

        var tgi = await FailAsync(FakeLlmFormat.OpenAI, false, FakeLlmBehavior.Status(422, """{"error":"Input validation error: `inputs` must have less than 4096 tokens","error_type":"validation"}"""));
        tgi.Kind.ShouldBe(LlmErrorKind.BadRequest);
        tgi.Message.ShouldContain("Input validation error");
        tgi.ProviderErrorCode.ShouldBe("validation");

        var mistral = await FailAsync(FakeLlmFormat.OpenAI, true, FakeLlmBehavior.Status(422,
            """{"object":"error","message":{"detail":[{"type":"extra_forbidden","loc":["body","stream_options","include_usage"],"msg":"Extra inputs are not permitted"}]},"type":"invalid_request_error","param":null,"code":null}"""));
        mistral.Kind.ShouldBe(LlmErrorKind.BadRequest);
        mistral.Message.ShouldContain("Extra inputs are not permitted");

        var html = await FailAsync(FakeLlmFormat.OpenAI, false, FakeLlmBehavior.Status(502, "<html>Bad gateway</html>", "text/html"));
        html.Kind.ShouldBe(LlmErrorKind.UpstreamError);
        html.Message.ShouldContain("Bad gateway");
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task A_hanging_upstream_times_out_by_the_http_client_timeout(FakeLlmFormat format, bool stream)
    {
        var ex = await FailAsync(format, stream, FakeLlmBehavior.Hang(), Http(TimeSpan.FromMilliseconds(300)));

        ex.Kind.ShouldBe(LlmErrorKind.Timeout);
        ex.IsTransient.ShouldBeTrue();
        ex.InnerException.ShouldBeAssignableTo<OperationCanceledException>();
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task A_slow_first_byte_beyond_the_timeout_is_a_timeout_and_within_it_succeeds(FakeLlmFormat format, bool stream)
    {
        var ex = await FailAsync(format, stream, FakeLlmBehavior.SlowFirstByte(TimeSpan.FromSeconds(3)), Http(TimeSpan.FromMilliseconds(300)));
        ex.Kind.ShouldBe(LlmErrorKind.Timeout);

        await using var upstream = await FakeLlmUpstream.StartAsync();
        upstream.Enqueue(FakeLlmBehavior.SlowFirstByte(TimeSpan.FromMilliseconds(200)));
        using var client = Client(format, upstream, Http(TimeSpan.FromSeconds(10)));
        var text = stream
            ? (await CollectAsync(client.GetStreamingResponseAsync("hi"))).ToChatResponse().Text
            : (await client.GetResponseAsync("hi")).Text;
        text.ShouldBe("Hello! How can I help you today?");
    }

    [Theory]
    [InlineData(FakeLlmFormat.OpenAI)]
    [InlineData(FakeLlmFormat.Anthropic)]
    public async Task A_stream_that_stalls_after_starting_times_out_by_the_idle_timeout(FakeLlmFormat format)
    {
        var ex = await FailAsync(format, true, FakeLlmBehavior.HangMidStream(events: 2), idle: TimeSpan.FromMilliseconds(300));

        ex.Kind.ShouldBe(LlmErrorKind.Timeout);
        ex.Message.ShouldContain("no stream event within 0.3 s");
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Malformed_json_is_a_malformed_response(FakeLlmFormat format, bool stream)
    {
        var ex = await FailAsync(format, stream, FakeLlmBehavior.MalformedJson());

        ex.Kind.ShouldBe(LlmErrorKind.MalformedResponse);
        ex.IsTransient.ShouldBeTrue();
    }

    [Theory]
    [InlineData(FakeLlmFormat.OpenAI, true)]
    [InlineData(FakeLlmFormat.OpenAI, false)]
    [InlineData(FakeLlmFormat.Anthropic, true)]
    [InlineData(FakeLlmFormat.Anthropic, false)]
    public async Task A_stream_cut_before_its_end_is_a_malformed_response_after_the_content_already_received(FakeLlmFormat format, bool abort)
    {
        await using var upstream = await FakeLlmUpstream.StartAsync();
        upstream.Enqueue(FakeLlmBehavior.StreamCut(events: 4, abort));
        using var client = Client(format, upstream);
        var received = new List<ChatResponseUpdate>();

        var ex = await Should.ThrowAsync<LlmProviderException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("hi"))
            {
                received.Add(update);
            }
        });

        ex.Kind.ShouldBe(LlmErrorKind.MalformedResponse);
        received.ShouldNotBeEmpty();
        string.Concat(received.Select(u => u.Text)).ShouldStartWith("Hello");
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task The_callers_cancellation_stays_an_operation_canceled_exception(FakeLlmFormat format, bool stream)
    {
        await using var upstream = await FakeLlmUpstream.StartAsync();
        upstream.Enqueue(FakeLlmBehavior.Hang());
        using var client = Client(format, upstream, Http(TimeSpan.FromSeconds(30)), streamIdleTimeout: TimeSpan.FromSeconds(30));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var ex = stream
            ? await Should.ThrowAsync<OperationCanceledException>(() => CollectAsync(client.GetStreamingResponseAsync("hi", cancellationToken: cts.Token)))
            : await Should.ThrowAsync<OperationCanceledException>(() => client.GetResponseAsync("hi", cancellationToken: cts.Token));

        ex.CancellationToken.ShouldBe(cts.Token);
    }

    [Theory]
    [InlineData(FakeLlmFormat.OpenAI)]
    [InlineData(FakeLlmFormat.Anthropic)]
    public async Task Cancelling_mid_stream_stays_an_operation_canceled_exception(FakeLlmFormat format)
    {
        await using var upstream = await FakeLlmUpstream.StartAsync();
        upstream.Enqueue(FakeLlmBehavior.HangMidStream(events: 5));
        using var client = Client(format, upstream, streamIdleTimeout: TimeSpan.FromSeconds(30));
        using var cts = new CancellationTokenSource();

        await Should.ThrowAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("hi", cancellationToken: cts.Token))
            {
                if (update.Text.Length > 0)
                {
                    await cts.CancelAsync();
                }
            }
        });
    }

    [Theory]
    [InlineData(FakeLlmFormat.OpenAI)]
    [InlineData(FakeLlmFormat.Anthropic)]
    public async Task An_unreachable_upstream_is_an_upstream_error(FakeLlmFormat format)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var upstream = await FakeLlmUpstream.StartAsync();
        using IChatClient client = format == FakeLlmFormat.OpenAI
            ? OpenAI(upstream, configure: o => o.BaseUrl = new Uri($"http://127.0.0.1:{port}/v1"))
            : Anthropic(upstream, configure: o => o.BaseUrl = new Uri($"http://127.0.0.1:{port}/v1"));

        var ex = await Should.ThrowAsync<LlmProviderException>(() => client.GetResponseAsync("hi"));

        ex.Kind.ShouldBe(LlmErrorKind.UpstreamError);
        ex.InnerException.ShouldBeOfType<HttpRequestException>();
    }
}
