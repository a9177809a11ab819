using Foundation.Llm.Routing.Errors;
using Foundation.Pricing;
using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Tests.Routing;

public sealed class StrategyTests
{
    private static async Task<string> Served(LlmRouter router, string model = "chat", ChatOptions? options = null, IList<ChatMessage>? prompt = null)
    {
        var response = await router.GetResponseAsync(prompt ?? RouterHarness.Prompt(), options ?? RouterHarness.For(model));
        return (string)response.AdditionalProperties![LlmRouter.DeploymentPropertyName]!;
    }

    [Fact]
    public async Task Priority_always_takes_the_lowest_priority_healthy_deployment()
    {
        using var h = new RouterHarness();
        h.Alias("chat");
        var second = h.Add("chat", "b", d => d.Priority = 1);
        var first = h.Add("chat", "a", d => d.Priority = 0);
        var router = h.Build();
        for (var i = 0; i < 20; i++)
        {
            (await Served(router)).ShouldBe("a");
        }

        first.Calls.ShouldBe(20);
        second.Calls.ShouldBe(0);
    }

    [Fact]
    public async Task Weighted_random_is_proportional_to_weights_on_a_fixed_seed()
    {
        using var h = new RouterHarness { Random = new Random(12345) };
        h.Alias("chat", RoutingStrategy.WeightedRandom);
        var light = h.Add("chat", "light", d => d.Weight = 1);
        var heavy = h.Add("chat", "heavy", d => d.Weight = 3);
        var router = h.Build();
        const int calls = 4000;
        for (var i = 0; i < calls; i++)
        {
            await Served(router);
        }

        (light.Calls + heavy.Calls).ShouldBe(calls);
        ((double)heavy.Calls / calls).ShouldBeInRange(0.72, 0.78);
    }

    [Fact]
    public async Task Round_robin_is_exact()
    {
        using var h = new RouterHarness();
        h.Alias("chat", RoutingStrategy.RoundRobin);
        var clients = new[] { h.Add("chat", "a"), h.Add("chat", "b"), h.Add("chat", "c") };
        var router = h.Build();
        var order = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            order.Add(await Served(router));
        }

        order.Take(6).ShouldBe(["a", "b", "c", "a", "b", "c"]);
        clients.ShouldAllBe(c => c.Calls == 100);
    }

    [Fact]
    public async Task Least_in_flight_goes_where_fewest_calls_are_held()
    {
        using var h = new RouterHarness();
        h.Alias("chat", RoutingStrategy.LeastInFlight);
        var gate = new TaskCompletionSource();
        var clients = new[] { h.Add("chat", "a"), h.Add("chat", "b"), h.Add("chat", "c") };
        foreach (var client in clients)
        {
            client.Default = async (o, ct) =>
            {
                await gate.Task.WaitAsync(ct);
                return ScriptedChatClient.Answer(o!.ModelId!, "ok");
            };
        }

        var router = h.Build();

        // Six held calls spread two per deployment; then b is released of its calls by finishing... instead hold unevenly:
        var held = new List<Task<ChatResponse>>();
        for (var i = 0; i < 5; i++)
        {
            held.Add(router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat")));
        }

        // 5 held calls over 3 deployments: loads are 2, 2, 1 in some order; the least loaded takes the next one.
        var loads = router.Table.Groups["chat"].Deployments.ToDictionary(d => d.Name, d => d.State.InFlight);
        loads.Values.Sum().ShouldBe(5);
        loads.Values.Max().ShouldBe(2);
        var least = loads.Single(l => l.Value == 1).Key;
        var next = router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat"));
        router.Table.Groups["chat"].Deployments.Single(d => d.Name == least).State.InFlight.ShouldBe(2);
        gate.SetResult();
        var nextResponse = await next;
        nextResponse.AdditionalProperties![LlmRouter.DeploymentPropertyName].ShouldBe(least);
        await Task.WhenAll(held);
        router.Table.Groups["chat"].Deployments.ShouldAllBe(d => d.State.InFlight == 0);
    }

    [Fact]
    public async Task Lowest_latency_prefers_the_fastest_after_the_average_warms_up()
    {
        var time = TestClock.Create();
        using var h = new RouterHarness { Time = time };
        h.Alias("chat", RoutingStrategy.LowestLatency);
        var slow = h.Add("chat", "slow");
        var fast = h.Add("chat", "fast");
        var medium = h.Add("chat", "medium");
        slow.OnCall = () => time.Advance(TimeSpan.FromMilliseconds(900));
        fast.OnCall = () => time.Advance(TimeSpan.FromMilliseconds(100));
        medium.OnCall = () => time.Advance(TimeSpan.FromMilliseconds(400));
        var router = h.Build();

        // Warm-up: every deployment without a sample is tried once.
        for (var i = 0; i < 3; i++)
        {
            await Served(router);
        }

        slow.Calls.ShouldBe(1);
        fast.Calls.ShouldBe(1);
        medium.Calls.ShouldBe(1);

        for (var i = 0; i < 640; i++)
        {
            await Served(router);
        }

        // All but the 1-in-64 exploration turns go to the fastest.
        fast.Calls.ShouldBeGreaterThanOrEqualTo(1 + 640 - 10 - 1);
        (slow.Calls + medium.Calls).ShouldBeLessThanOrEqualTo(2 + 11);
        router.Table.Groups["chat"].Deployments.Single(d => d.Name == "fast").State.LatencyMicros.ShouldBe(100_000);
    }

    [Fact]
    public async Task Usage_based_follows_rpm_headroom_on_a_sliding_minute()
    {
        var time = TestClock.Create();
        using var h = new RouterHarness { Time = time };
        h.Alias("chat", RoutingStrategy.UsageBased);
        var small = h.Add("chat", "small", d => d.Rpm = 10);
        var large = h.Add("chat", "large", d => d.Rpm = 20);
        var router = h.Build();
        for (var i = 0; i < 30; i++)
        {
            await Served(router);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        small.Calls.ShouldBe(10);
        large.Calls.ShouldBe(20);
        var full = await Should.ThrowAsync<LlmNoDeploymentAvailableException>(() => Served(router));
        full.Message.ShouldContain("RPM/TPM headroom");
        full.RetryAfter.ShouldNotBeNull();

        // The oldest calls leave the window one second at a time: at t=61 s the calls of t=0 (small) and t=1 (large) have left,
        // so small has 1/10 headroom and large 1/20.
        time.Advance(TimeSpan.FromSeconds(31));
        (await Served(router)).ShouldBe("small");

        // A minute later the window is empty again and fills 10:20.
        time.Advance(TimeSpan.FromSeconds(61));
        for (var i = 0; i < 30; i++)
        {
            await Served(router);
        }

        small.Calls.ShouldBe(21);
        large.Calls.ShouldBe(40);
    }

    [Fact]
    public async Task Usage_based_counts_tokens_against_tpm()
    {
        var time = TestClock.Create();
        using var h = new RouterHarness { Time = time };
        h.Alias("chat", RoutingStrategy.UsageBased);
        var a = h.Add("chat", "a", d => d.Tpm = 1000);
        var b = h.Add("chat", "b", d => d.Tpm = 3000);
        a.Default = b.Default = (o, _) => Task.FromResult(ScriptedChatClient.Answer(o!.ModelId!, "ok", input: 150, output: 50));
        var router = h.Build();
        for (var i = 0; i < 20; i++)
        {
            await Served(router);
        }

        // 200 tokens a call: 4000 tokens of capacity in total, split 1:3.
        a.Calls.ShouldBe(5);
        b.Calls.ShouldBe(15);
        await Should.ThrowAsync<LlmNoDeploymentAvailableException>(() => Served(router));
        time.Advance(TimeSpan.FromSeconds(60));
        (await Served(router)).ShouldBe("a");
    }

    [Fact]
    public async Task Lowest_cost_uses_the_price_provider_and_treats_unknown_prices_as_most_expensive()
    {
        var prices = new FakePrices();
        prices.Prices["host/premium-model"] = new ModelPrice(10m, 30m);
        prices.Prices["host/cheap-model"] = new ModelPrice(0.15m, 0.6m);
        using var h = new RouterHarness { Prices = prices };
        h.Alias("chat", RoutingStrategy.LowestCost);
        var unknown = h.Add("chat", "unknown", d => d.Priority = 0);
        var premium = h.Add("chat", "premium", d => d.Priority = 1);
        var cheap = h.Add("chat", "cheap", d => d.Priority = 2);
        var router = h.Build();
        for (var i = 0; i < 10; i++)
        {
            (await Served(router)).ShouldBe("cheap");
        }

        // Prices are cached (refreshed once a minute), not looked up per request.
        prices.Lookups.ShouldBeLessThanOrEqualTo(3 + 3);

        // Without the cheap one, the priced premium beats the unpriced one despite its priority.
        cheap.Default = (_, _) => Task.FromException<ChatResponse>(new LlmProviderException(LlmErrorKind.BadRequest, "no"));
        using var h2 = new RouterHarness { Prices = prices };
        h2.Alias("chat", RoutingStrategy.LowestCost);
        h2.Add("chat", "unknown", d => d.Priority = 0);
        h2.Add("chat", "premium", d => d.Priority = 1);
        (await Served(h2.Build())).ShouldBe("premium");

        using var h3 = new RouterHarness();
        h3.Alias("chat", RoutingStrategy.LowestCost);
        h3.Add("chat", "x", d => d.Priority = 1);
        h3.Add("chat", "y", d => d.Priority = 0);
        (await Served(h3.Build())).ShouldBe("y");
        unknown.Calls.ShouldBe(0);
        premium.Calls.ShouldBe(0);
    }

    [Fact]
    public async Task Capabilities_filter_vision_tools_json_and_context_window()
    {
        using var h = new RouterHarness();
        h.Alias("chat");
        h.Add("chat", "text-only", d =>
        {
            d.Priority = 0;
            d.SupportsTools = false;
            d.SupportsJsonMode = false;
            d.ContextWindow = 1000;
        });
        h.Add("chat", "vision", d =>
        {
            d.Priority = 1;
            d.SupportsVision = true;
            d.ContextWindow = 200_000;
        });
        var router = h.Build();

        (await Served(router)).ShouldBe("text-only");

        var image = new List<ChatMessage>
        {
            new(ChatRole.User, [new TextContent("What is this?"), new DataContent(new byte[] { 1, 2, 3 }, "image/png")]),
        };
        (await Served(router, prompt: image)).ShouldBe("vision");
        var imageUrl = new List<ChatMessage> { new(ChatRole.User, [new UriContent("https://example.com/cat.jpg", "image/jpeg")]) };
        (await Served(router, prompt: imageUrl)).ShouldBe("vision");

        var tools = RouterHarness.For("chat", o => o.Tools = [AIFunctionFactory.Create(() => 42, "answer")]);
        (await Served(router, options: tools)).ShouldBe("vision");

        var json = RouterHarness.For("chat", o => o.ResponseFormat = ChatResponseFormat.Json);
        (await Served(router, options: json)).ShouldBe("vision");

        // ~2,500 tokens at four characters a token: beyond the 1,000-token window.
        (await Served(router, prompt: RouterHarness.Prompt(new string('x', 10_000)))).ShouldBe("vision");

        // A 300-token prompt plus 800 requested output tokens exceed 1,000 too.
        (await Served(router, options: RouterHarness.For("chat", o => o.MaxOutputTokens = 800), prompt: RouterHarness.Prompt(new string('x', 1200)))).ShouldBe("vision");
    }

    [Fact]
    public async Task A_prompt_beyond_every_window_moves_to_the_context_window_fallback_alias()
    {
        using var h = new RouterHarness();
        h.Alias("chat").ContextWindowFallback = "chat-large";
        h.Alias("chat-large");
        h.Add("chat", "small", d => d.ContextWindow = 1000);
        h.Add("chat-large", "large", d => d.ContextWindow = 1_000_000);
        var router = h.Build();
        (await Served(router, prompt: RouterHarness.Prompt(new string('x', 40_000)))).ShouldBe("large");

        using var h2 = new RouterHarness();
        h2.Alias("chat");
        h2.Add("chat", "small", d => d.ContextWindow = 1000);
        var error = await Should.ThrowAsync<LlmNoDeploymentAvailableException>(() => Served(h2.Build(), prompt: RouterHarness.Prompt(new string('x', 40_000))));
        error.Message.ShouldContain("1 with a context window below the estimated");
    }

    [Fact]
    public async Task A_concrete_model_or_deployment_name_routes_to_its_deployments_and_unknown_names_fail()
    {
        using var h = new RouterHarness();
        h.Alias("chat");
        h.Add("chat", "a");
        h.Add("chat", "b");
        var router = h.Build();
        (await Served(router, "b-model")).ShouldBe("b");
        (await Served(router, "b")).ShouldBe("b");
        (await Should.ThrowAsync<LlmModelNotFoundException>(() => Served(router, "gpt-5"))).Model.ShouldBe("gpt-5");
        await Should.ThrowAsync<LlmModelNotFoundException>(() => router.GetResponseAsync(RouterHarness.Prompt()));
    }
}
