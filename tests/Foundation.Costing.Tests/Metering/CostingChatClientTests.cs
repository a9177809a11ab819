using System.Diagnostics.Metrics;
using Foundation.Callers;
using Foundation.Costing.Metering;
using Foundation.Costing.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Costing.Tests.Metering;

/// <summary>Metering without a store: records go to a sink the test captures.</summary>
public sealed class CostingChatClientTests
{
    private readonly RecordingSink _sink = new();
    private readonly TestCaller _caller = new() { TenantId = "t1", UserId = "u1", ApiKeyId = "k1", TeamId = "team-a", Roles = ["member"], RequestId = "req-1" };

    [Fact]
    public async Task One_priced_record_per_call_with_caller_tokens_cost_and_latency()
    {
        var inner = new FakeChatClient
        {
            Provider = "openai", Model = "gpt-4o-mini",
            Usage = (_, _) => new UsageDetails { InputTokenCount = 2_006, CachedInputTokenCount = 1_920, OutputTokenCount = 300 },
            ResponseModel = "gpt-4o-mini-2024-07-18",
        };
        using var services = Build();
        var client = inner.UseFoundationCosting(services);

        var response = await client.GetResponseAsync("What is the capital of France?");

        response.Text.ShouldBe("Hello there!");
        var r = _sink.Records.ShouldHaveSingleItem();
        r.TenantId.ShouldBe("t1");
        r.UserId.ShouldBe("u1");
        r.ApiKeyId.ShouldBe("k1");
        r.TeamId.ShouldBe("team-a");
        r.Roles.ShouldBe(["member"]);
        r.RequestId.ShouldBe("req-1");
        r.Provider.ShouldBe("openai");
        r.Model.ShouldBe("gpt-4o-mini-2024-07-18");
        r.Usage.InputTokens.ShouldBe(2_006);
        r.Usage.CachedInputTokens.ShouldBe(1_920);
        r.Cost.ShouldBe(0.0003369m);
        r.Status.ShouldBe(UsageStatus.Success);
        r.Streaming.ShouldBeFalse();
        r.IsEstimated.ShouldBeFalse();
        r.Latency.ShouldBeGreaterThanOrEqualTo(TimeSpan.Zero);
        r.TimeToFirstToken.ShouldBeNull();
    }

    [Fact]
    public async Task A_routers_provider_and_deployment_properties_are_recorded()
    {
        var inner = new FakeChatClient
        {
            Provider = "foundation-router", Model = "chat",
            ResponseModel = "claude-3-5-haiku-20241022",
            ResponseProperties = new AdditionalPropertiesDictionary { ["foundation.provider"] = "Anthropic", ["foundation.deployment"] = "claude-eu" },
            Usage = (_, _) => new UsageDetails { InputTokenCount = 1_000_000, OutputTokenCount = 0 },
        };
        using var services = Build();
        await inner.UseFoundationCosting(services).GetResponseAsync("hi");
        var r = _sink.Records.ShouldHaveSingleItem();
        r.Provider.ShouldBe("anthropic");
        r.Deployment.ShouldBe("claude-eu");
        r.Cost.ShouldBe(0.80m);
    }

    [Fact]
    public async Task Unknown_models_are_recorded_unpriced_and_counted_never_as_zero()
    {
        var inner = new FakeChatClient { Provider = "openai", Model = "gpt-9-imaginary" };
        using var services = Build();
        using var listener = new MeterCapture("foundation.costing.unpriced_requests", Meter(services));
        await inner.UseFoundationCosting(services).GetResponseAsync("hi");
        _sink.Records.ShouldHaveSingleItem().Cost.ShouldBeNull();
        services.GetRequiredService<Diagnostics.CostingTelemetry>().UnpricedRequests.ShouldBe(1);
        listener.Total.ShouldBe(1);
    }

    [Fact]
    public async Task Cost_and_token_metrics_are_labelled_by_provider_and_model_only()
    {
        var inner = new FakeChatClient { Provider = "openai", Model = "gpt-4o-mini", Usage = (_, _) => new UsageDetails { InputTokenCount = 1_000_000, OutputTokenCount = 1_000_000 } };
        using var services = Build();
        using var cost = new MeterCapture("foundation.costing.cost", Meter(services));
        using var tokens = new MeterCapture("foundation.costing.tokens", Meter(services));
        await inner.UseFoundationCosting(services).GetResponseAsync("hi");
        cost.Total.ShouldBe(0.75, 1e-9);
        tokens.Total.ShouldBe(2_000_000);
        cost.TagKeys.ShouldBe(["gen_ai.provider.name", "gen_ai.request.model"], ignoreOrder: true);
        tokens.TagKeys.ShouldBe(["gen_ai.provider.name", "gen_ai.request.model", "gen_ai.token.type"], ignoreOrder: true);
    }

    [Fact]
    public async Task Streams_are_metered_from_their_usage_content_with_time_to_first_token()
    {
        var inner = new FakeChatClient { Provider = "openai", Model = "gpt-4o-mini", Usage = (_, _) => new UsageDetails { InputTokenCount = 100, OutputTokenCount = 40 } };
        using var services = Build();
        var text = "";
        await foreach (var update in inner.UseFoundationCosting(services).GetStreamingResponseAsync("hi"))
        {
            text += update.Text;
        }

        text.Trim().ShouldBe("Hello there!");
        var r = _sink.Records.ShouldHaveSingleItem();
        r.Streaming.ShouldBeTrue();
        r.IsEstimated.ShouldBeFalse();
        r.Usage.TotalTokens.ShouldBe(140);
        r.TimeToFirstToken.ShouldNotBeNull();
        r.TimeToFirstToken!.Value.ShouldBeLessThanOrEqualTo(r.Latency);
        r.Cost.ShouldBe((100 * 0.15m + 40 * 0.60m) / 1_000_000m);
    }

    [Fact]
    public async Task A_stream_without_usage_is_estimated_from_characters_and_flagged()
    {
        var inner = new FakeChatClient { Provider = "openai", Model = "gpt-4o-mini", Usage = (_, _) => null, AnswerText = "abcd efgh" };
        using var services = Build();
        await foreach (var _ in inner.UseFoundationCosting(services).GetStreamingResponseAsync(new string('x', 40)))
        {
        }

        var r = _sink.Records.ShouldHaveSingleItem();
        r.IsEstimated.ShouldBeTrue();
        r.Usage.InputTokens.ShouldBe(10); // 40 characters / 4
        r.Usage.OutputTokens.ShouldBe(3);  // "abcd " + "efgh " = 10 characters -> 3 tokens (rounded up)
        r.Cost.ShouldNotBeNull();
    }

    [Fact]
    public async Task A_stream_the_consumer_abandons_is_recorded_as_cancelled_once()
    {
        var inner = new FakeChatClient { Provider = "openai", Model = "gpt-4o-mini", AnswerText = "one two three four" };
        using var services = Build();
        await foreach (var _ in inner.UseFoundationCosting(services).GetStreamingResponseAsync("hi"))
        {
            break;
        }

        var r = _sink.Records.ShouldHaveSingleItem();
        r.Status.ShouldBe(UsageStatus.Cancelled);
        r.IsEstimated.ShouldBeTrue();
    }

    [Fact]
    public async Task Failures_are_recorded_with_their_error_type_and_rethrown()
    {
        var inner = new FakeChatClient { Provider = "openai", Model = "gpt-4o-mini", Throw = new HttpRequestException("upstream 503") };
        using var services = Build();
        await Should.ThrowAsync<HttpRequestException>(() => inner.UseFoundationCosting(services).GetResponseAsync("hi"));
        await Should.ThrowAsync<HttpRequestException>(async () =>
        {
            await foreach (var _ in inner.UseFoundationCosting(services).GetStreamingResponseAsync("hi"))
            {
            }
        });

        _sink.Records.Count.ShouldBe(2);
        _sink.Records.ShouldAllBe(r => r.Status == UsageStatus.Error && r.ErrorType == "HttpRequestException");
        _sink.Records.ShouldAllBe(r => r.Cost == 0m, "a priced model with no tokens costs nothing");
    }

    [Fact]
    public void Without_AddFoundationCosting_the_error_says_what_to_call()
    {
        using var empty = new ServiceCollection().BuildServiceProvider();
        Should.Throw<InvalidOperationException>(() => new FakeChatClient().UseFoundationCosting(empty)).Message.ShouldContain("AddFoundationCosting");
    }

    private static Meter Meter(IServiceProvider services) => services.GetRequiredService<Diagnostics.CostingTelemetry>().Meter;

    private ServiceProvider Build()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ICurrentCaller>(_caller);
        services.AddSingleton<IUsageRecordSink>(_sink);
        services.AddFoundationCosting(new ConfigurationBuilder().Build());
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private sealed class RecordingSink : IUsageRecordSink
    {
        public List<UsageRecord> Records { get; } = [];

        public bool TryRecord(UsageRecord record)
        {
            lock (Records)
            {
                Records.Add(record);
            }

            return true;
        }
    }
}

/// <summary>Sums one instrument of the Foundation.Costing meter while alive.</summary>
public sealed class MeterCapture : IDisposable
{
    private readonly MeterListener _listener = new();
    private double _total;

    public MeterCapture(string instrument, Meter meter)
    {
        _listener.InstrumentPublished = (i, l) =>
        {
            if (ReferenceEquals(i.Meter, meter) && i.Name == instrument)
            {
                l.EnableMeasurementEvents(i);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, v, tags, _) => Add(v, tags));
        _listener.SetMeasurementEventCallback<double>((_, v, tags, _) => Add(v, tags));
        _listener.Start();
    }

    public double Total => Volatile.Read(ref _total);

    public HashSet<string> TagKeys { get; } = [];

    public void Dispose() => _listener.Dispose();

    private void Add(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (TagKeys)
        {
            _total += value;
            foreach (var t in tags)
            {
                TagKeys.Add(t.Key);
            }
        }
    }
}
