using Foundation.Llm.Routing.Errors;

namespace Foundation.Llm.Routing.Tests.Routing;

public sealed class PolicyTests
{
    private static RouterHarness Harness(TestCaller caller)
    {
        var h = new RouterHarness { Caller = caller };
        h.Alias("chat", RoutingStrategy.RoundRobin);
        h.Add("chat", "mini", d => d.Model = "gpt-4o-mini");
        h.Add("chat", "haiku", d => d.Model = "claude-3-5-haiku");
        h.Alias("big");
        h.Add("big", "4o", d => d.Model = "gpt-4o");
        var viewer = new LlmModelPolicy();
        viewer.AllowedModels.Add("gpt-4o-mini");
        h.Options.Policies.Roles["viewer"] = viewer;
        var tenant = new LlmModelPolicy { MaxOutputTokens = 1000 };
        tenant.DeniedModels.Add("big");
        h.Options.Policies.Tenants["acme"] = tenant;
        return h;
    }

    [Fact]
    public async Task A_role_allow_list_narrows_an_alias_to_its_allowed_deployments()
    {
        using var h = Harness(new TestCaller("u1", null, "viewer"));
        var router = h.Build();
        for (var i = 0; i < 6; i++)
        {
            var response = await router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat"));
            response.AdditionalProperties![LlmRouter.DeploymentPropertyName].ShouldBe("mini");
        }

        var refused = await Should.ThrowAsync<LlmPolicyException>(() => router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("claude-3-5-haiku")));
        refused.Model.ShouldBe("claude-3-5-haiku");
        refused.Rule.ShouldBe("Foundation:Llm:Policies:Roles:viewer:AllowedModels");
        refused.Message.ShouldContain("'claude-3-5-haiku' is not allowed by Foundation:Llm:Policies:Roles:viewer:AllowedModels. Allowed: gpt-4o-mini.");

        router.ListModels(h.Caller).Select(m => m.Id).ShouldBe(["chat", "gpt-4o-mini"]);
    }

    [Fact]
    public async Task A_tenant_deny_list_refuses_the_alias_and_caps_max_tokens()
    {
        using var h = Harness(new TestCaller("u1", "acme", "member"));
        var router = h.Build();
        var denied = await Should.ThrowAsync<LlmPolicyException>(() => router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("big")));
        denied.Rule.ShouldBe("Foundation:Llm:Policies:Tenants:acme:DeniedModels");
        denied.Message.ShouldContain("'big'");

        var capped = await Should.ThrowAsync<LlmPolicyException>(() => router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("chat", o => o.MaxOutputTokens = 5000)));
        capped.Rule.ShouldBe("Foundation:Llm:Policies:Tenants:acme:MaxOutputTokens");
        capped.Message.ShouldContain("asks for 5000 output tokens");

        // A request without max tokens gets the cap; the caller's options are not changed.
        var options = RouterHarness.For("chat");
        await router.GetResponseAsync(RouterHarness.Prompt(), options);
        options.MaxOutputTokens.ShouldBeNull();
        options.ModelId.ShouldBe("chat");
        var served = h.Router!.Table.Groups["chat"].Deployments.Select(d => (ScriptedChatClient)d.Client).Single(c => c.Calls == 1);
        served.SeenOptions.Single()!.MaxOutputTokens.ShouldBe(1000);

        router.ListModels(h.Caller).Select(m => m.Id).ShouldBe(["chat", "gpt-4o-mini", "claude-3-5-haiku", "gpt-4o"]);
    }

    [Fact]
    public async Task Callers_without_a_policy_are_unrestricted()
    {
        using var h = Harness(new TestCaller("u1", "other", "admin"));
        var router = h.Build();
        (await router.GetResponseAsync(RouterHarness.Prompt(), RouterHarness.For("big"))).AdditionalProperties![LlmRouter.DeploymentPropertyName].ShouldBe("4o");
        router.ListModels(h.Caller).Count.ShouldBe(5);
    }
}
