using System.Net;
using System.Runtime.CompilerServices;
using Foundation.Callers;
using Foundation.Llm.Routing.Credentials;
using Foundation.Llm.Routing.Errors;
using Foundation.Llm.Routing.Providers;
using Foundation.Llm.Routing.Routing;
using Microsoft.Extensions.AI;

namespace Foundation.Llm.Routing.Tests.Routing;

/// <summary>
/// A request served with a caller's own key (bring your own key) never feeds the shared deployment's live state: a broken key
/// neither cools the deployment down for everyone nor moves the caller onto another deployment, and its latency and usage are
/// not the deployment's.
/// </summary>
public sealed class CallerKeyIsolationTests
{
    private const string BrokenKey = "sk-alice-broken";

    /// <summary>Alice has her own OpenAI key; Bob has none and is served with the configured key.</summary>
    private sealed class AliceOnlyResolver : IProviderCredentialResolver
    {
        public ProviderCredential AliceKey { get; set; } = new(Guid.CreateVersion7(), BrokenKey);

        public ValueTask<ProviderCredential?> ResolveAsync(ICurrentCaller caller, string providerName, LlmProviderType providerType, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(caller.UserId == "alice" ? AliceKey : null);
    }

    private sealed class SwitchableCaller : ICurrentCaller
    {
        public string? UserId { get; set; } = "bob";

        public string? TenantId => "acme";

        public IReadOnlyList<string> Roles => [];

        public string? RequestId => null;
    }

    private static (RouterHarness Harness, SwitchableCaller Caller, ScriptedChatClient Backup, RecordingClientFactory Factory) Build()
    {
        var caller = new SwitchableCaller();
        var factory = new RecordingClientFactory
        {
            OnCreate = (credential, client) =>
            {
                if (credential?.ApiKey == BrokenKey)
                {
                    client.Default = (_, _) => Task.FromException<ChatResponse>(
                        new LlmProviderException(LlmErrorKind.AuthenticationFailed, "Incorrect API key provided.", HttpStatusCode.Unauthorized, provider: "openai"));
                    client.Stream = (_, token) => FailingStream(token);
                }
            },
        };
        var h = new RouterHarness { Credentials = new AliceOnlyResolver(), ClientFactory = factory, Caller = caller };
        h.Options.Resilience.CooldownFailures = 2;
        h.Options.Providers["openai"] = new LlmProviderOptions { Type = LlmProviderType.OpenAI, ApiKey = "sk-configured" };
        var chat = h.Alias("chat");
        chat.Deployments.Add(new LlmDeploymentOptions { Provider = "openai", Model = "gpt-4o-mini", Priority = 0 });
        var backup = h.Add("chat", "backup", d => d.Priority = 1);
        return (h, caller, backup, factory);
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> FailingStream([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        throw new LlmProviderException(LlmErrorKind.AuthenticationFailed, "Incorrect API key provided.", HttpStatusCode.Unauthorized, provider: "openai");
#pragma warning disable CS0162 // An iterator needs a yield.
        yield break;
#pragma warning restore CS0162
    }

    private static LlmDeployment OpenAI(LlmRouter router) => router.Table.Groups["chat"].Deployments.Single(d => d.ProviderName == "openai");

    [Fact]
    public async Task A_callers_broken_key_gets_the_providers_error_and_never_cools_the_shared_deployment_down()
    {
        var (h, caller, backup, _) = Build();
        using var _h = h;
        var router = h.Build();
        var shared = OpenAI(router).State;

        caller.UserId = "alice";
        for (var i = 0; i < 5; i++)
        {
            var error = await Should.ThrowAsync<LlmProviderException>(() => router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat")));
            error.Kind.ShouldBe(LlmErrorKind.AuthenticationFailed);
            error.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        for (var i = 0; i < 3; i++)
        {
            await using var stream = router.GetStreamingResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat")).GetAsyncEnumerator();
            (await Should.ThrowAsync<LlmProviderException>(async () => await stream.MoveNextAsync())).Kind.ShouldBe(LlmErrorKind.AuthenticationFailed);
        }

        backup.Calls.ShouldBe(0, "the caller's failure is not handed to another deployment on the operator's account");
        shared.ConsecutiveFailures.ShouldBe(0);
        shared.CooldownUntil.ShouldBeLessThanOrEqualTo(h.Time.GetTimestamp());
        shared.InFlight.ShouldBe(0);

        // Everyone else is still served by the shared deployment with the configured key.
        caller.UserId = "bob";
        var response = await router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat"));
        response.Text.ShouldBe("key=sk-configured");
        response.AdditionalProperties![LlmRouter.DeploymentPropertyName].ShouldBe(OpenAI(router).Name);
    }

    [Fact]
    public async Task A_refused_outbound_address_reaches_the_caller_unchanged_without_fallback_or_cooldown()
    {
        var (h, caller, backup, factory) = Build();
        using var _h = h;
        var refused = new Foundation.Llm.Routing.Outbound.OutboundAddressRefusedException("internal.example", IPAddress.Parse("10.0.0.1"), "private (10.0.0.0/8)");
        factory.OnCreate = (credential, client) =>
        {
            if (credential is not null)
            {
                client.Default = (_, _) => Task.FromException<ChatResponse>(refused);
            }
        };
        var router = h.Build();

        caller.UserId = "alice";
        for (var i = 0; i < 3; i++)
        {
            (await Should.ThrowAsync<Foundation.Llm.Routing.Outbound.OutboundAddressRefusedException>(() => router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat"))))
                .ShouldBeSameAs(refused);
        }

        backup.Calls.ShouldBe(0);
        OpenAI(router).State.ConsecutiveFailures.ShouldBe(0);
        OpenAI(router).State.CooldownUntil.ShouldBeLessThanOrEqualTo(h.Time.GetTimestamp());
    }

    [Fact]
    public async Task The_configured_keys_failures_still_cool_the_deployment_down()
    {
        var (h, caller, backup, factory) = Build();
        using var _h = h;
        var router = h.Build();
        var configured = factory.Created.Single(c => c.Credential is null && c.Provider == "openai").Client;
        configured.ThenFail(LlmErrorKind.AuthenticationFailed).ThenFail(LlmErrorKind.AuthenticationFailed);

        caller.UserId = "bob";
        (await router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat"))).Text.ShouldBe("ok", "the configured key's failure falls back as before");
        (await router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat"))).Text.ShouldBe("ok");
        OpenAI(router).State.CooldownUntil.ShouldBeGreaterThan(h.Time.GetTimestamp());
        backup.Calls.ShouldBe(2);
    }

    [Fact]
    public async Task A_callers_own_key_does_not_feed_the_shared_latency_usage_or_failure_count()
    {
        var (h, caller, _, factory) = Build();
        using var _h = h;
        var resolver = (AliceOnlyResolver)h.Credentials!;
        resolver.AliceKey = new ProviderCredential(Guid.CreateVersion7(), "sk-alice-good");
        var router = h.Build();
        var deployment = OpenAI(router);
        var second = h.Time.GetTimestamp() / h.Time.TimestampFrequency;

        // One failure of the configured key is on the books; a success with Alice's key must not wipe it out.
        factory.Created.Single(c => c.Credential is null && c.Provider == "openai").Client.ThenFail(LlmErrorKind.Overloaded);
        caller.UserId = "bob";
        (await router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat"))).Text.ShouldBe("ok");
        deployment.State.ConsecutiveFailures.ShouldBe(1);
        var requests = deployment.State.Requests.Sum(second);
        var tokens = deployment.State.Tokens.Sum(second);

        caller.UserId = "alice";
        (await router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat"))).Text.ShouldBe("key=sk-alice-good");
        await foreach (var _ in router.GetStreamingResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat")))
        {
        }

        deployment.State.ConsecutiveFailures.ShouldBe(1);
        deployment.State.LatencyMicros.ShouldBe(0);
        deployment.State.Requests.Sum(second).ShouldBe(requests);
        deployment.State.Tokens.Sum(second).ShouldBe(tokens);
        deployment.State.InFlight.ShouldBe(0);

        caller.UserId = "bob";
        (await router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat"))).Text.ShouldBe("key=sk-configured");
        deployment.State.ConsecutiveFailures.ShouldBe(0);
        deployment.State.LatencyMicros.ShouldBeGreaterThan(0);
        deployment.State.Requests.Sum(second).ShouldBe(requests + 1);
    }
}
