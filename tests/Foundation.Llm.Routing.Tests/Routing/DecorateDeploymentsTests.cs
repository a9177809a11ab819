using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Llm.Routing.Tests.Routing;

public sealed class DecorateDeploymentsTests
{
    [Fact]
    public async Task Every_deployment_client_is_wrapped_once_and_sees_the_deployment_model()
    {
        var services = new ServiceCollection();
        var mine = new ScriptedChatClient("mine");
        var wrapped = new List<RecordingClient>();
        services.AddFoundationLlmRouting(new ConfigurationBuilder().Build())
            .AddDeployment("chat", "demo", mine, d => d.Model = "foundation-demo-1")
            .AddDeployment("demo", "demo", mine, d => d.Model = "foundation-demo-1")
            .DecorateDeployments((sp, client) =>
            {
                sp.ShouldNotBeNull();
                var recording = new RecordingClient(client);
                wrapped.Add(recording);
                return recording;
            });
        await using var provider = services.BuildServiceProvider();
        var router = provider.GetRequiredService<IChatClient>();

        await router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat"));
        await router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("demo"));

        wrapped.Count.ShouldBe(1);
        wrapped[0].Models.ShouldBe(["foundation-demo-1", "foundation-demo-1"]);
        wrapped[0].Deployments.ShouldBe(["demo", "demo"], "the decorator sees the deployment's name in the answer before the router stamps it");
        mine.Calls.ShouldBe(2);
    }

    [Fact]
    public async Task A_refusal_thrown_by_a_decorator_passes_through_unchanged_without_retry_or_fallback()
    {
        var services = new ServiceCollection();
        var first = new ScriptedChatClient("first");
        var second = new ScriptedChatClient("second");
        var refusal = new QuotaRefusedException("budget 'team' is spent");
        var attempts = 0;
        services.AddFoundationLlmRouting(new ConfigurationBuilder().Build(), o => o.Resilience.MaxRetries = 3)
            .AddDeployment("chat", "first", first, d => d.Priority = 0)
            .AddDeployment("chat", "second", second, d => d.Priority = 1)
            .DecorateDeployments((_, client) => new RefusingClient(client, refusal, () => Interlocked.Increment(ref attempts)));
        await using var provider = services.BuildServiceProvider();
        var router = provider.GetRequiredService<IChatClient>();

        var thrown = await Should.ThrowAsync<QuotaRefusedException>(() => router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat")));
        thrown.ShouldBeSameAs(refusal);
        attempts.ShouldBe(1);

        var streamed = await Should.ThrowAsync<QuotaRefusedException>(async () =>
        {
            await foreach (var _ in router.GetStreamingResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat")))
            {
            }
        });
        streamed.ShouldBeSameAs(refusal);
        attempts.ShouldBe(2);
        first.Calls.ShouldBe(0);
        second.Calls.ShouldBe(0);
    }

    private sealed class QuotaRefusedException(string message) : Exception(message);

    private sealed class RecordingClient(IChatClient inner) : DelegatingChatClient(inner)
    {
        public List<string?> Models { get; } = [];

        public List<object?> Deployments { get; } = [];

        public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Models.Add(options?.ModelId);
            var response = await base.GetResponseAsync(messages, options, cancellationToken);
            Deployments.Add(response.AdditionalProperties?[LlmRouter.DeploymentPropertyName]);
            return response;
        }
    }

    private sealed class RefusingClient(IChatClient inner, Exception refusal, Action onCall) : DelegatingChatClient(inner)
    {
        public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            onCall();
            return Task.FromException<ChatResponse>(refusal);
        }

        public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            onCall();
            await Task.Yield();
            throw refusal;
#pragma warning disable CS0162 // an iterator needs a yield
            yield break;
#pragma warning restore CS0162
        }
    }
}
