using Foundation.Llm.Routing.Errors;
using Foundation.Tests.Common.Llm;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Llm.Routing.Tests.EndToEnd;

/// <summary>
/// The router built from configuration, with the real provider clients, over real loopback HTTP: an OpenAI-compatible
/// upstream and an Anthropic upstream (both <see cref="FakeLlmUpstream"/>) behind one alias.
/// </summary>
public sealed class RouterOverHttpTests : IAsyncLifetime
{
    private FakeLlmUpstream _openAI = null!;
    private FakeLlmUpstream _anthropic = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _openAI = await FakeLlmUpstream.StartAsync();
        _anthropic = await FakeLlmUpstream.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Foundation:Llm:Providers:local:Type"] = "OpenAICompatible",
            ["Foundation:Llm:Providers:local:BaseUrl"] = _openAI.BaseUrl.ToString(),
            ["Foundation:Llm:Providers:local:ApiKey"] = "sk-local",
            ["Foundation:Llm:Providers:claude:Type"] = "Anthropic",
            ["Foundation:Llm:Providers:claude:BaseUrl"] = _anthropic.BaseUrl.ToString(),
            ["Foundation:Llm:Providers:claude:ApiKey"] = "sk-ant-test",
            ["Foundation:Llm:Models:chat:Strategy"] = "Priority",
            ["Foundation:Llm:Models:chat:Deployments:0:Provider"] = "local",
            ["Foundation:Llm:Models:chat:Deployments:0:Model"] = "gpt-4o-mini",
            ["Foundation:Llm:Models:chat:Deployments:0:Priority"] = "0",
            ["Foundation:Llm:Models:chat:Deployments:1:Provider"] = "claude",
            ["Foundation:Llm:Models:chat:Deployments:1:Model"] = "claude-3-5-haiku-latest",
            ["Foundation:Llm:Models:chat:Deployments:1:Priority"] = "1",
            ["Foundation:Llm:Resilience:MaxRetries"] = "0",
        }).Build();
        var services = new ServiceCollection();
        services.AddFoundationLlmRouting(configuration);
        _services = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _openAI.DisposeAsync();
        await _anthropic.DisposeAsync();
    }

    private IChatClient Router => _services.GetRequiredService<IChatClient>();

    private static ChatMessage[] Prompt => [new(ChatRole.User, "Say hello.")];

    [Fact]
    public async Task The_first_deployment_answers_over_http_with_normalised_usage()
    {
        var response = await Router.GetResponseAsync(Prompt, new ChatOptions { ModelId = "chat" });

        response.Text.ShouldNotBeNullOrWhiteSpace();
        response.Usage.ShouldNotBeNull();
        response.Usage!.InputTokenCount.ShouldNotBeNull();
        response.AdditionalProperties![LlmRouter.DeploymentPropertyName].ShouldBe("local/gpt-4o-mini");
        _openAI.Requests.Count.ShouldBe(1);
        _openAI.Requests[0].Json["model"]!.GetValue<string>().ShouldBe("gpt-4o-mini");
        _openAI.Requests[0].Header("Authorization").ShouldBe("Bearer sk-local");
        _anthropic.Requests.Count.ShouldBe(0);
    }

    [Fact]
    public async Task A_429_from_the_first_provider_falls_back_to_anthropic_over_http()
    {
        _openAI.Enqueue(FakeLlmBehavior.RateLimited("7"));

        var response = await Router.GetResponseAsync(Prompt, new ChatOptions { ModelId = "chat" });

        response.AdditionalProperties![LlmRouter.DeploymentPropertyName].ShouldBe("claude/claude-3-5-haiku-latest");
        response.Text.ShouldNotBeNullOrWhiteSpace();
        _openAI.Requests.Count.ShouldBe(1);
        _anthropic.Requests.Count.ShouldBe(1);
        _anthropic.Requests[0].Header("x-api-key").ShouldBe("sk-ant-test");
        _anthropic.Requests[0].Json["model"]!.GetValue<string>().ShouldBe("claude-3-5-haiku-latest");
    }

    [Fact]
    public async Task A_stream_that_fails_before_its_first_chunk_falls_back_and_streams_from_the_next_provider()
    {
        _openAI.Enqueue(FakeLlmBehavior.ServerError());

        var text = new System.Text.StringBuilder();
        UsageDetails? usage = null;
        await foreach (var update in Router.GetStreamingResponseAsync(Prompt, new ChatOptions { ModelId = "chat" }))
        {
            text.Append(update.Text);
            usage ??= update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details;
        }

        text.ToString().ShouldNotBeNullOrWhiteSpace();
        usage.ShouldNotBeNull();
        _openAI.Requests.Count.ShouldBe(1);
        _anthropic.Requests.Count.ShouldBe(1);
        _anthropic.Requests[0].Stream.ShouldBeTrue();
    }

    [Fact]
    public async Task A_stream_cut_after_content_reached_the_caller_is_not_restarted_elsewhere()
    {
        _openAI.Enqueue(FakeLlmBehavior.StreamCut(events: 3));

        var received = 0;
        var failure = await Should.ThrowAsync<LlmProviderException>(async () =>
        {
            await foreach (var update in Router.GetStreamingResponseAsync(Prompt, new ChatOptions { ModelId = "chat" }))
            {
                received++;
            }
        });

        received.ShouldBeGreaterThan(0);
        failure.Kind.ShouldBe(LlmErrorKind.MalformedResponse);
        _anthropic.Requests.Count.ShouldBe(0);
    }

    [Fact]
    public async Task A_context_length_error_is_not_retried_on_a_deployment_of_the_same_size()
    {
        _openAI.Enqueue(FakeLlmBehavior.ContextLengthExceeded());

        // No ContextWindowFallback is configured: the request fails with the provider's typed error instead of
        // being sent to every deployment of the alias.
        var failure = await Should.ThrowAsync<Exception>(() => Router.GetResponseAsync(Prompt, new ChatOptions { ModelId = "chat" }));

        var provider = failure as LlmProviderException ?? failure.InnerException as LlmProviderException;
        provider.ShouldNotBeNull(failure.ToString());
        provider!.Kind.ShouldBe(LlmErrorKind.ContextLengthExceeded);
        _anthropic.Requests.Count.ShouldBe(0);
    }
}
