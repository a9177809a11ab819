using Foundation.Callers;
using Foundation.Llm.Routing.Credentials;
using Foundation.Llm.Routing.Providers;

namespace Foundation.Llm.Routing.Tests.Routing;

public sealed class CredentialTests
{
    private sealed class Resolver : IProviderCredentialResolver
    {
        public List<(string? User, string Provider, LlmProviderType Type)> Calls { get; } = [];

        public ProviderCredential? Credential { get; set; }

        public ValueTask<ProviderCredential?> ResolveAsync(ICurrentCaller caller, string providerName, LlmProviderType providerType, CancellationToken cancellationToken = default)
        {
            Calls.Add((caller.UserId, providerName, providerType));
            return ValueTask.FromResult(Credential);
        }
    }

    private static RouterHarness Harness(Resolver resolver, RecordingClientFactory factory)
    {
        var h = new RouterHarness { Credentials = resolver, ClientFactory = factory, Caller = new TestCaller("user-7", "acme") };
        h.Options.Providers["openai"] = new LlmProviderOptions { Type = LlmProviderType.OpenAI, ApiKey = "sk-configured" };
        var chat = h.Alias("chat");
        chat.Deployments.Add(new LlmDeploymentOptions { Provider = "openai", Model = "gpt-4o-mini" });
        h.Add("host-only", "host");
        return h;
    }

    [Fact]
    public async Task The_callers_own_key_serves_the_call_through_the_client_factory()
    {
        var resolver = new Resolver();
        var factory = new RecordingClientFactory();
        using var h = Harness(resolver, factory);
        var router = h.Build();

        (await router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat"))).Text.ShouldBe("key=sk-configured");
        resolver.Calls.ShouldBe([("user-7", "openai", LlmProviderType.OpenAI)]);

        var id = Guid.CreateVersion7();
        resolver.Credential = new ProviderCredential(id, "sk-tenant", new Uri("https://proxy.example.com/v1"));
        (await router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat"))).Text.ShouldBe("key=sk-tenant");
        (await router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat"))).Text.ShouldBe("key=sk-tenant");
        var byok = factory.Created.Where(c => c.Credential is not null).ToList();
        byok.Count.ShouldBe(1);
        byok[0].Credential!.BaseUrl.ShouldBe(new Uri("https://proxy.example.com/v1"));
        byok[0].Client.SeenOptions.Last()!.ModelId.ShouldBe("gpt-4o-mini");

        // A rotated key gets a new client.
        resolver.Credential = new ProviderCredential(id, "sk-rotated");
        (await router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat"))).Text.ShouldBe("key=sk-rotated");
        factory.Created.Count(c => c.Credential is not null).ShouldBe(2);
        router.ClientCache!.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_host_deployment_never_asks_for_credentials()
    {
        var resolver = new Resolver { Credential = new ProviderCredential(Guid.CreateVersion7(), "sk-tenant") };
        using var h = Harness(resolver, new RecordingClientFactory());
        var router = h.Build();
        (await router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("host-only"))).Text.ShouldBe("ok");
        resolver.Calls.ShouldBeEmpty();
    }
}
