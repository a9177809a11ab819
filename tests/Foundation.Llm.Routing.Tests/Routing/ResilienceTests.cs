using System.Runtime.CompilerServices;
using Foundation.Llm.Routing.Errors;
using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Tests.Routing;

public sealed class ResilienceTests
{
    private static string ServedBy(ChatResponse response) => (string)response.AdditionalProperties![LlmRouter.DeploymentPropertyName]!;

    [Theory]
    [InlineData(LlmErrorKind.RateLimited)]
    [InlineData(LlmErrorKind.Overloaded)]
    [InlineData(LlmErrorKind.UpstreamError)]
    [InlineData(LlmErrorKind.Timeout)]
    [InlineData(LlmErrorKind.MalformedResponse)]
    [InlineData(LlmErrorKind.AuthenticationFailed)]
    public async Task A_failing_deployment_falls_back_to_the_next_at_once(LlmErrorKind kind)
    {
        using var h = new RouterHarness();
        h.Alias("chat");
        var a = h.Add("chat", "a", d => d.Priority = 0).ThenFail(kind, TimeSpan.FromMinutes(5));
        var b = h.Add("chat", "b", d => d.Priority = 1);
        var router = h.Build();
        var response = await router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat"));
        ServedBy(response).ShouldBe("b");
        response.AdditionalProperties![LlmRouter.ProviderPropertyName].ShouldBe("host");
        a.Calls.ShouldBe(1);
        b.Calls.ShouldBe(1);
        b.SeenOptions.Single()!.ModelId.ShouldBe("b-model");
    }

    [Theory]
    [InlineData(LlmErrorKind.BadRequest)]
    [InlineData(LlmErrorKind.ContextLengthExceeded)]
    [InlineData(LlmErrorKind.ContentFiltered)]
    public async Task Request_faults_surface_without_fallback_when_no_fallback_alias_is_set(LlmErrorKind kind)
    {
        using var h = new RouterHarness();
        h.Alias("chat");
        h.Add("chat", "a", d => d.Priority = 0).ThenFail(kind);
        var b = h.Add("chat", "b", d => d.Priority = 1);
        var router = h.Build();
        var error = await Should.ThrowAsync<LlmProviderException>(() => router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat")));
        error.Kind.ShouldBe(kind);
        b.Calls.ShouldBe(0);
    }

    [Fact]
    public async Task Retry_rounds_wait_for_retry_after_capped_by_max_delay()
    {
        using var h = new RouterHarness();
        h.Options.Resilience.MaxRetries = 2;
        h.Options.Resilience.MaxDelay = TimeSpan.FromMilliseconds(30);
        h.Alias("chat");
        var only = h.Add("chat", "only")
            .ThenFail(LlmErrorKind.RateLimited, TimeSpan.FromSeconds(10))
            .ThenFail(LlmErrorKind.RateLimited, TimeSpan.FromMilliseconds(20));
        var router = h.Build();
        var response = await router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat"));
        ServedBy(response).ShouldBe("only");
        only.Calls.ShouldBe(3);
        var retries = h.Logger.Messages.Where(m => m.Contains("retry round", StringComparison.Ordinal)).ToList();
        retries.Count.ShouldBe(2);
        retries[0].ShouldContain("retry round 1 after 00:00:00.0300000");
        retries[1].ShouldContain("retry round 2 after 00:00:00.0200000");
    }

    [Fact]
    public async Task Retries_stop_after_max_retries_and_the_provider_error_surfaces()
    {
        using var h = new RouterHarness();
        h.Options.Resilience.MaxRetries = 1;
        h.Options.Resilience.CooldownFailures = 100;
        h.Alias("chat");
        var a = h.Add("chat", "a");
        var b = h.Add("chat", "b");
        a.Default = b.Default = (_, _) => Task.FromException<ChatResponse>(new LlmProviderException(LlmErrorKind.UpstreamError, "boom"));
        var router = h.Build();
        var error = await Should.ThrowAsync<LlmProviderException>(() => router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat")));
        error.Kind.ShouldBe(LlmErrorKind.UpstreamError);
        a.Calls.ShouldBe(2);
        b.Calls.ShouldBe(2);
    }

    [Fact]
    public async Task Jittered_backoff_grows_per_round_within_bounds()
    {
        var options = new LlmResilienceOptions { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(300) };
        for (var i = 0; i < 50; i++)
        {
            Resilience.LlmResiliencePipeline.RetryDelay(options, 1, null).TotalMilliseconds.ShouldBeInRange(50, 100);
            Resilience.LlmResiliencePipeline.RetryDelay(options, 2, null).TotalMilliseconds.ShouldBeInRange(100, 200);
            Resilience.LlmResiliencePipeline.RetryDelay(options, 5, null).TotalMilliseconds.ShouldBeInRange(150, 300);
        }

        await Task.CompletedTask;
    }

    [Fact]
    public async Task Repeated_failures_cool_a_deployment_down_until_the_period_ends()
    {
        var time = TestClock.Create();
        using var h = new RouterHarness { Time = time };
        h.Options.Resilience.CooldownFailures = 2;
        h.Options.Resilience.CooldownPeriod = TimeSpan.FromSeconds(30);
        h.Alias("chat");
        var a = h.Add("chat", "a", d => d.Priority = 0);
        var b = h.Add("chat", "b", d => d.Priority = 1);
        a.Default = (_, _) => Task.FromException<ChatResponse>(new LlmProviderException(LlmErrorKind.Overloaded, "busy"));
        var router = h.Build();
        for (var i = 0; i < 5; i++)
        {
            ServedBy(await router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat"))).ShouldBe("b");
        }

        a.Calls.ShouldBe(2);
        h.Logger.Messages.ShouldContain(m => m.Contains("out of rotation", StringComparison.Ordinal));

        time.Advance(TimeSpan.FromSeconds(31));
        a.Default = (o, _) => Task.FromResult(ScriptedChatClient.Answer(o!.ModelId!, "back"));
        ServedBy(await router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat"))).ShouldBe("a");
    }

    [Fact]
    public async Task When_every_deployment_cools_down_the_error_says_when_to_come_back()
    {
        var time = TestClock.Create();
        using var h = new RouterHarness { Time = time };
        h.Options.Resilience.CooldownFailures = 1;
        h.Options.Resilience.MaxRetries = 0;
        h.Alias("chat");
        h.Add("chat", "a").Default = (_, _) => Task.FromException<ChatResponse>(new LlmProviderException(LlmErrorKind.Overloaded, "busy"));
        var router = h.Build();
        await Should.ThrowAsync<LlmProviderException>(() => router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat")));
        var error = await Should.ThrowAsync<LlmNoDeploymentAvailableException>(() => router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat")));
        error.RetryAfter.ShouldBe(TimeSpan.FromSeconds(30));
        error.Message.ShouldContain("cooling down");
    }

    [Fact]
    public async Task The_attempt_timeout_moves_on_and_the_last_timeout_names_its_key()
    {
        using var h = new RouterHarness();
        h.Options.Resilience.AttemptTimeout = TimeSpan.FromMilliseconds(50);
        h.Options.Resilience.MaxRetries = 0;
        h.Alias("chat");
        var hang = h.Add("chat", "hang", d => d.Priority = 0);
        hang.Default = async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        };
        var b = h.Add("chat", "b", d => d.Priority = 1);
        var router = h.Build();
        ServedBy(await router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat"))).ShouldBe("b");

        b.Default = hang.Default;
        var error = await Should.ThrowAsync<LlmProviderException>(() => router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat")));
        error.Kind.ShouldBe(LlmErrorKind.Timeout);
        error.Message.ShouldContain("Foundation:Llm:Resilience:AttemptTimeout");
    }

    [Fact]
    public async Task The_overall_deadline_ends_the_request()
    {
        using var h = new RouterHarness();
        h.Options.Resilience.Deadline = TimeSpan.FromMilliseconds(100);
        h.Options.Resilience.BaseDelay = TimeSpan.FromSeconds(10);
        h.Options.Resilience.MaxDelay = TimeSpan.FromSeconds(10);
        h.Alias("chat");
        h.Add("chat", "a").Default = (_, _) => Task.FromException<ChatResponse>(new LlmProviderException(LlmErrorKind.Overloaded, "busy"));
        var router = h.Build();
        var error = await Should.ThrowAsync<LlmProviderException>(() => router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat")));
        error.Kind.ShouldBe(LlmErrorKind.Timeout);
        error.Message.ShouldContain("Foundation:Llm:Resilience:Deadline");
    }

    [Fact]
    public async Task Caller_cancellation_is_not_retried()
    {
        using var h = new RouterHarness();
        h.Alias("chat");
        var a = h.Add("chat", "a", d => d.Priority = 0);
        a.Default = async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return null!;
        };
        var b = h.Add("chat", "b", d => d.Priority = 1);
        var router = h.Build();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Should.ThrowAsync<OperationCanceledException>(() => router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat"), cts.Token));
        b.Calls.ShouldBe(0);
        router.Table.Groups["chat"].Deployments[0].State.ConsecutiveFailures.ShouldBe(0);
    }

    [Fact]
    public async Task Context_length_and_content_policy_errors_move_to_their_fallback_aliases()
    {
        using var h = new RouterHarness();
        var chat = h.Alias("chat");
        chat.ContextWindowFallback = "long";
        chat.ContentPolicyFallback = "lenient";
        h.Alias("long");
        h.Alias("lenient");
        var a = h.Add("chat", "a").ThenFail(LlmErrorKind.ContextLengthExceeded).ThenFail(LlmErrorKind.ContentFiltered);
        h.Add("long", "long-1");
        h.Add("lenient", "lenient-1");
        var router = h.Build();
        ServedBy(await router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat"))).ShouldBe("long-1");
        ServedBy(await router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat"))).ShouldBe("lenient-1");
        ServedBy(await router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat"))).ShouldBe("a");
        a.Calls.ShouldBe(3);
    }

    [Fact]
    public async Task Alias_fallbacks_stop_after_max_hops()
    {
        using var h = new RouterHarness();
        h.Options.Resilience.MaxAliasFallbacks = 1;
        h.Alias("a").ContentPolicyFallback = "b";
        h.Alias("b").ContentPolicyFallback = "a";
        h.Add("a", "a-1").Default = (_, _) => Task.FromException<ChatResponse>(new LlmProviderException(LlmErrorKind.ContentFiltered, "no"));
        var b = h.Add("b", "b-1");
        b.Default = (_, _) => Task.FromException<ChatResponse>(new LlmProviderException(LlmErrorKind.ContentFiltered, "no"));
        var router = h.Build();
        (await Should.ThrowAsync<LlmProviderException>(() => router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("a")))).Kind.ShouldBe(LlmErrorKind.ContentFiltered);
        b.Calls.ShouldBe(1);
    }

    [Fact]
    public async Task A_stream_falls_back_before_its_first_update()
    {
        using var h = new RouterHarness();
        h.Alias("chat");
        var a = h.Add("chat", "a", d => d.Priority = 0);
        a.Stream = (_, _) => Failing(0, LlmErrorKind.Overloaded);
        var b = h.Add("chat", "b", d => d.Priority = 1);
        var router = h.Build();
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in router.GetStreamingResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat")))
        {
            updates.Add(update);
        }

        string.Concat(updates.Select(u => u.Text)).ShouldBe("Hello");
        updates[0].AdditionalProperties![LlmRouter.DeploymentPropertyName].ShouldBe("b");
        updates[0].ModelId.ShouldBe("b-model");
        a.Calls.ShouldBe(1);
        b.Calls.ShouldBe(1);
        router.Table.Groups["chat"].Deployments.ShouldAllBe(d => d.State.InFlight == 0);
    }

    [Fact]
    public async Task A_stream_that_yielded_content_is_never_restarted_elsewhere()
    {
        using var h = new RouterHarness();
        h.Alias("chat");
        var a = h.Add("chat", "a", d => d.Priority = 0);
        a.Stream = (_, _) => Failing(1, LlmErrorKind.UpstreamError);
        var b = h.Add("chat", "b", d => d.Priority = 1);
        var router = h.Build();
        var received = new List<string>();
        var error = await Should.ThrowAsync<LlmProviderException>(async () =>
        {
            await foreach (var update in router.GetStreamingResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat")))
            {
                received.Add(update.Text);
            }
        });
        error.Kind.ShouldBe(LlmErrorKind.UpstreamError);
        received.ShouldBe(["part-0"]);
        b.Calls.ShouldBe(0);
        router.Table.Groups["chat"].Deployments[0].State.ConsecutiveFailures.ShouldBe(1);
        router.Table.Groups["chat"].Deployments.ShouldAllBe(d => d.State.InFlight == 0);
    }

    [Fact]
    public async Task A_stream_whose_first_update_is_too_slow_times_out_and_falls_back()
    {
        using var h = new RouterHarness();
        h.Options.Resilience.AttemptTimeout = TimeSpan.FromMilliseconds(50);
        h.Alias("chat");
        var a = h.Add("chat", "a", d => d.Priority = 0);
        a.Stream = (_, ct) => Slow(ct);
        h.Add("chat", "b", d => d.Priority = 1);
        var router = h.Build();
        var texts = new List<string>();
        await foreach (var update in router.GetStreamingResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat")))
        {
            texts.Add(update.Text);
        }

        string.Concat(texts).ShouldBe("Hello");
    }

    [Fact]
    public async Task A_stream_honours_the_enumerators_cancellation_token()
    {
        using var h = new RouterHarness();
        h.Alias("chat");
        var a = h.Add("chat", "a");
        a.Stream = (_, ct) => FirstThenWait(ct);
        var router = h.Build();
        using var cts = new CancellationTokenSource();
        var received = 0;
        await Should.ThrowAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in router.GetStreamingResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat")).WithCancellation(cts.Token))
            {
                received++;
                await cts.CancelAsync();
            }
        });
        received.ShouldBe(1);
        router.Table.Groups["chat"].Deployments[0].State.ConsecutiveFailures.ShouldBe(0);
        router.Table.Groups["chat"].Deployments[0].State.InFlight.ShouldBe(0);
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> FirstThenWait([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        yield return new ChatResponseUpdate(ChatRole.Assistant, "first");
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield return new ChatResponseUpdate(ChatRole.Assistant, "never");
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Failing(int before, LlmErrorKind kind)
    {
        for (var i = 0; i < before; i++)
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, "part-" + i);
        }

        await Task.Yield();
        throw new LlmProviderException(kind, "stream failed");
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Slow([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield return new ChatResponseUpdate(ChatRole.Assistant, "never");
    }
}
