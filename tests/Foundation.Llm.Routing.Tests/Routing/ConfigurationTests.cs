using Foundation.Llm.Routing.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Foundation.Llm.Routing.Tests.Routing;

public sealed class ConfigurationTests
{
    private static readonly Dictionary<string, string?> s_valid = new()
    {
        ["Foundation:Llm:Providers:openai:Type"] = "OpenAI",
        ["Foundation:Llm:Providers:openai:ApiKey"] = "sk-configured",
        ["Foundation:Llm:Providers:claude:Type"] = "Anthropic",
        ["Foundation:Llm:Providers:local:Type"] = "OpenAICompatible",
        ["Foundation:Llm:Providers:local:BaseUrl"] = "http://127.0.0.1:11434/v1",
        ["Foundation:Llm:Models:chat:Strategy"] = "Priority",
        ["Foundation:Llm:Models:chat:Deployments:0:Provider"] = "openai",
        ["Foundation:Llm:Models:chat:Deployments:0:Model"] = "gpt-4o-mini",
        ["Foundation:Llm:Models:chat:Deployments:0:Priority"] = "0",
        ["Foundation:Llm:Models:chat:Deployments:0:Rpm"] = "500",
        ["Foundation:Llm:Models:chat:Deployments:0:Tpm"] = "200000",
        ["Foundation:Llm:Models:chat:Deployments:1:Provider"] = "claude",
        ["Foundation:Llm:Models:chat:Deployments:1:Model"] = "claude-3-5-haiku-latest",
        ["Foundation:Llm:Models:chat:Deployments:1:Priority"] = "1",
        ["Foundation:Llm:Resilience:MaxRetries"] = "1",
        ["Foundation:Llm:Resilience:AttemptTimeout"] = "00:00:30",
        ["Foundation:Llm:Policies:Roles:viewer:AllowedModels:0"] = "gpt-4o-mini",
        ["Foundation:Llm:Policies:Tenants:acme:MaxOutputTokens"] = "1000",
    };

    private static ServiceProvider Build(Dictionary<string, string?> values, RecordingClientFactory? factory = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSingleton<ILlmClientFactory>(factory ?? new RecordingClientFactory());
        services.AddFoundationLlmRouting(configuration);
        return services.BuildServiceProvider();
    }

    private static string Failure(params (string Key, string? Value)[] changes)
    {
        var values = new Dictionary<string, string?>(s_valid);
        foreach (var (key, value) in changes)
        {
            values[key] = value;
        }

        using var provider = Build(values);
        return Should.Throw<OptionsValidationException>(() => provider.GetRequiredService<IOptions<LlmRoutingOptions>>().Value).Message;
    }

    [Fact]
    public async Task A_valid_configuration_binds_and_routes_through_the_configured_providers()
    {
        var factory = new RecordingClientFactory();
        await using var provider = Build(s_valid, factory);
        var options = provider.GetRequiredService<IOptions<LlmRoutingOptions>>().Value;
        options.Models["chat"].Deployments[0].Tpm.ShouldBe(200000);
        options.Resilience.AttemptTimeout.ShouldBe(TimeSpan.FromSeconds(30));
        options.Policies.Roles["VIEWER"].AllowedModels.ShouldBe(["gpt-4o-mini"]);

        var client = provider.GetRequiredService<IChatClient>();
        client.ShouldBeSameAs(provider.GetRequiredService<LlmRouter>());
        var response = await client.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat"));
        response.AdditionalProperties![LlmRouter.DeploymentPropertyName].ShouldBe("openai/gpt-4o-mini");
        response.AdditionalProperties![LlmRouter.ProviderPropertyName].ShouldBe("openai");
        response.Text.ShouldBe("key=sk-configured");

        // One client per provider, created at start.
        factory.Created.Select(c => c.Provider).Order(StringComparer.Ordinal).ShouldBe(["claude", "openai"]);
        factory.Created.Single(c => c.Provider == "openai").Client.SeenOptions.Single()!.ModelId.ShouldBe("gpt-4o-mini");
    }

    [Fact]
    public void An_unknown_provider_is_named_with_the_known_ones()
        => Failure(("Foundation:Llm:Models:chat:Deployments:0:Provider", "opnai"))
            .ShouldContain("Foundation:Llm:Models:chat:Deployments:0:Provider is 'opnai'; known providers: claude, local, openai");

    [Theory]
    [InlineData("Foundation:Llm:Models:chat:Deployments:1:Model", "", "Foundation:Llm:Models:chat:Deployments:1:Model is required")]
    [InlineData("Foundation:Llm:Models:chat:Deployments:0:Weight", "0", "Foundation:Llm:Models:chat:Deployments:0:Weight is 0")]
    [InlineData("Foundation:Llm:Models:chat:Deployments:0:Rpm", "-1", "Foundation:Llm:Models:chat:Deployments:0:Rpm is -1")]
    [InlineData("Foundation:Llm:Models:chat:Deployments:0:Tpm", "0", "Foundation:Llm:Models:chat:Deployments:0:Tpm is 0")]
    [InlineData("Foundation:Llm:Models:chat:Deployments:0:ContextWindow", "0", "Foundation:Llm:Models:chat:Deployments:0:ContextWindow is 0")]
    [InlineData("Foundation:Llm:Models:chat:ContextWindowFallback", "huge", "Foundation:Llm:Models:chat:ContextWindowFallback is 'huge'; known aliases: chat")]
    [InlineData("Foundation:Llm:Models:chat:ContentPolicyFallback", "chat", "Foundation:Llm:Models:chat:ContentPolicyFallback is 'chat', the alias itself")]
    [InlineData("Foundation:Llm:Providers:local:BaseUrl", null, "Foundation:Llm:Providers:local:BaseUrl is required for OpenAICompatible")]
    [InlineData("Foundation:Llm:Providers:openai:BaseUrl", "ftp://example.com/v1", "Foundation:Llm:Providers:openai:BaseUrl is 'ftp://example.com/v1'")]
    [InlineData("Foundation:Llm:Providers:local:Type", "AzureOpenAI", "Foundation:Llm:Providers:local:ApiVersion is required for AzureOpenAI")]
    [InlineData("Foundation:Llm:Resilience:MaxRetries", "11", "Foundation:Llm:Resilience:MaxRetries is 11; it must be 0 to 10")]
    [InlineData("Foundation:Llm:Resilience:AttemptTimeout", "00:00:00", "Foundation:Llm:Resilience:AttemptTimeout is 00:00:00")]
    [InlineData("Foundation:Llm:Resilience:Deadline", "2.00:00:00", "Foundation:Llm:Resilience:Deadline is 2.00:00:00")]
    [InlineData("Foundation:Llm:Resilience:MaxDelay", "00:00:00.1", "Foundation:Llm:Resilience:MaxDelay is 00:00:00.1000000; it must be at least BaseDelay")]
    [InlineData("Foundation:Llm:Resilience:CooldownFailures", "0", "Foundation:Llm:Resilience:CooldownFailures is 0")]
    [InlineData("Foundation:Llm:Resilience:CooldownPeriod", "00:00:00", "Foundation:Llm:Resilience:CooldownPeriod is 00:00:00")]
    [InlineData("Foundation:Llm:Policies:Roles:viewer:AllowedModels:0", "gpt-4o-mni", "Foundation:Llm:Policies:Roles:viewer:AllowedModels:0 is 'gpt-4o-mni'; it names no alias, deployment or model")]
    [InlineData("Foundation:Llm:Policies:Tenants:acme:DeniedModels:0", "gpt-5", "Foundation:Llm:Policies:Tenants:acme:DeniedModels:0 is 'gpt-5'")]
    [InlineData("Foundation:Llm:Policies:Tenants:acme:MaxOutputTokens", "0", "Foundation:Llm:Policies:Tenants:acme:MaxOutputTokens is 0")]
    public void Each_bad_key_is_named(string key, string? value, string expected) => Failure((key, value)).ShouldContain(expected);

    [Fact]
    public void An_alias_without_deployments_is_refused_unless_the_host_adds_one()
    {
        var values = new Dictionary<string, string?> { ["Foundation:Llm:Models:empty:Strategy"] = "RoundRobin" };
        using (var provider = Build(values))
        {
            Should.Throw<OptionsValidationException>(() => provider.GetRequiredService<IOptions<LlmRoutingOptions>>().Value)
                .Message.ShouldContain("Foundation:Llm:Models:empty:Deployments is empty");
        }

        var services = new ServiceCollection();
        services.AddFoundationLlmRouting(new ConfigurationBuilder().AddInMemoryCollection(values).Build())
            .AddDeployment("empty", "mine", new ScriptedChatClient("mine"));
        using var withHost = services.BuildServiceProvider();
        withHost.GetRequiredService<IOptions<LlmRoutingOptions>>().Value.Models["empty"].Strategy.ShouldBe(RoutingStrategy.RoundRobin);
    }

    [Fact]
    public async Task No_configuration_at_all_is_valid_and_a_host_client_is_a_deployment()
    {
        var services = new ServiceCollection();
        var mine = new ScriptedChatClient("mine");
        services.AddFoundationLlmRouting(new ConfigurationBuilder().Build())
            .AddDeployment("chat", "demo", mine, d => d.Model = "foundation-demo-1")
            .AddDeployment("demo", "demo", mine, d => d.Model = "foundation-demo-1");
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IOptions<LlmRoutingOptions>>().Value.Providers.ShouldBeEmpty();
        var response = await provider.GetRequiredService<IChatClient>().GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("demo"));
        response.AdditionalProperties![LlmRouter.DeploymentPropertyName].ShouldBe("demo");
        mine.SeenOptions.Single()!.ModelId.ShouldBe("foundation-demo-1");
        provider.GetRequiredService<ILlmModelCatalog>().ListModels(Foundation.Callers.AnonymousCaller.Instance)
            .ShouldBe([new LlmModelInfo("chat", true, "foundation"), new LlmModelInfo("demo", true, "foundation"), new LlmModelInfo("foundation-demo-1", false, "custom")]);
    }
}
