using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Foundation.Llm.Routing.Errors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Llm.Routing.Tests.Routing;

public sealed class TelemetryTests
{
    private sealed record Measurement(string Instrument, double Value, Dictionary<string, object?> Tags);

    private static MeterListener Listen(IMeterFactory factory, ConcurrentQueue<Measurement> into, ConcurrentQueue<Instrument> instruments)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                // Only this test's meters: the app's IMeterFactory owns them (Hosting's /metrics applies the same scope rule).
                if (ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    instruments.Enqueue(instrument);
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => into.Enqueue(new Measurement(i.Name, v, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => into.Enqueue(new Measurement(i.Name, v, ToDictionary(tags))));
        listener.Start();
        return listener;
    }

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            result[tag.Key] = tag.Value;
        }

        return result;
    }

    [Fact]
    public async Task GenAI_and_routing_metrics_are_recorded_on_the_Foundation_meter()
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        await using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IMeterFactory>();
        var measurements = new ConcurrentQueue<Measurement>();
        var instruments = new ConcurrentQueue<Instrument>();
        using var listener = Listen(factory, measurements, instruments);

        using var h = new RouterHarness { MeterFactory = factory, Caller = new TestCaller("secret-user", "secret-tenant", "member") };
        h.Options.Resilience.CooldownFailures = 1;
        h.Alias("chat");
        h.Add("chat", "a", d => d.Priority = 0).ThenFail(LlmErrorKind.Overloaded);
        h.Add("chat", "b", d => d.Priority = 1);
        var router = h.Build();
        await router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat"));
        await foreach (var update in router.GetStreamingResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat")))
        {
            update.ShouldNotBeNull();
        }

        // The meter is "Foundation.Llm.Routing", created by the app's IMeterFactory: Hosting's /metrics exports Foundation.* meters of that factory.
        instruments.ShouldNotBeEmpty();
        instruments.ShouldAllBe(i => i.Meter.Name == "Foundation.Llm.Routing");
        instruments.Select(i => i.Name).ShouldBe(
            [
                "gen_ai.client.operation.duration", "gen_ai.client.token.usage", "foundation.llm.routing.attempts",
                "foundation.llm.routing.fallbacks", "foundation.llm.routing.cooldowns", "foundation.llm.routing.deployment.selected",
            ],
            ignoreOrder: true);
        instruments.Single(i => i.Name == "gen_ai.client.operation.duration").Unit.ShouldBe("s");

        var durations = measurements.Where(m => m.Instrument == "gen_ai.client.operation.duration").ToList();
        durations.Count.ShouldBe(2);
        durations.ShouldAllBe(m => (string?)m.Tags["gen_ai.operation.name"] == "chat" && (string?)m.Tags["gen_ai.request.model"] == "chat"
            && (string?)m.Tags["gen_ai.system"] == "host" && (string?)m.Tags["gen_ai.response.model"] == "b-model" && !m.Tags.ContainsKey("error.type"));

        var tokens = measurements.Where(m => m.Instrument == "gen_ai.client.token.usage").ToList();
        tokens.Select(t => ((string?)t.Tags["gen_ai.token.type"], t.Value)).ShouldBe([("input", 10d), ("output", 5d), ("input", 7d), ("output", 2d)]);

        var attempts = measurements.Where(m => m.Instrument == "foundation.llm.routing.attempts").ToList();
        attempts.Select(a => ((string?)a.Tags["foundation.llm.deployment"], (string?)a.Tags["foundation.llm.outcome"]))
            .ShouldBe([("a", "overloaded"), ("b", "success"), ("b", "success")]);
        measurements.Count(m => m.Instrument == "foundation.llm.routing.fallbacks" && (string?)m.Tags["foundation.llm.reason"] == "overloaded").ShouldBe(1);
        measurements.Count(m => m.Instrument == "foundation.llm.routing.cooldowns" && (string?)m.Tags["foundation.llm.deployment"] == "a").ShouldBe(1);
        measurements.Count(m => m.Instrument == "foundation.llm.routing.deployment.selected").ShouldBe(3);

        // Labels never carry who called.
        measurements.SelectMany(m => m.Tags.Values).ShouldNotContain("secret-user");
        measurements.SelectMany(m => m.Tags.Values).ShouldNotContain("secret-tenant");
    }

    [Fact]
    public async Task A_failed_request_records_its_error_type()
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        await using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IMeterFactory>();
        var measurements = new ConcurrentQueue<Measurement>();
        using var listener = Listen(factory, measurements, new ConcurrentQueue<Instrument>());
        using var h = new RouterHarness { MeterFactory = factory };
        h.Alias("chat");
        h.Add("chat", "a").ThenFail(LlmErrorKind.BadRequest);
        var router = h.Build();
        await Should.ThrowAsync<LlmProviderException>(() => router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat")));
        var duration = measurements.Single(m => m.Instrument == "gen_ai.client.operation.duration");
        duration.Tags["error.type"].ShouldBe("bad_request");
        duration.Tags.ContainsKey("gen_ai.response.model").ShouldBeFalse();
    }

    [Fact]
    public void The_router_answers_its_metadata_and_itself()
    {
        using var h = new RouterHarness();
        h.Alias("chat");
        h.Add("chat", "a");
        IChatClient router = h.Build();
        router.GetService<ChatClientMetadata>()!.ProviderName.ShouldBe("foundation");
        router.GetService<LlmRouter>().ShouldBeSameAs(router);
        router.GetService<string>().ShouldBeNull();
    }
}
