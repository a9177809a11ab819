using System.Net;
using Foundation.Hosting.Tests.Infrastructure;
using Foundation.Hosting.Tests.Llm;

namespace Foundation.Hosting.Tests.Costing;

public sealed class CostingEndpointTests
{
    [Fact]
    public async Task A_gateway_call_is_metered_shown_and_analysed_and_a_hard_budget_refuses_with_402_on_sqlite()
    {
        using var host = new LlmTestHost();
        await CostingScenario.RunAsync(host);
    }

    [Fact]
    public async Task Budgets_are_created_read_changed_and_deleted_within_the_callers_tenant()
    {
        using var host = new LlmTestHost();
        using var client = host.CreateClient();
        var admin = await host.SignInAsync(client, "admin@example.com");
        var other = await host.SignInAsync(client, "owner@other.example", tenant: "other");

        string id;
        using (var created = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/budgets", admin,
                   new { name = "members", scope = "role", scopeValue = "member", period = "month", limitUsd = 20m, thresholds = new[] { 50, 90 } })))
        {
            created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
            var body = await created.ReadJsonAsync();
            id = body.Text("id");
            created.Headers.Location!.ToString().ShouldBe("/api/v1/budgets/" + id);
            body.Text("scope").ShouldBe("role");
            body.GetProperty("limitUsd").GetDecimal().ShouldBe(20m);
            body.GetProperty("current").GetProperty("utilisation").GetDouble().ShouldBe(0);
        }

        (await CostingScenario.GetJsonAsync(client, "/api/v1/budgets/" + id, admin)).Text("name").ShouldBe("members");
        (await CostingScenario.GetJsonAsync(client, "/api/v1/budgets", admin)).EnumerateArray().Select(b => b.Text("name")).ShouldContain("members");

        using (var updated = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Put, "/api/v1/budgets/" + id, admin, new { limitUsd = 25m })))
        {
            updated.StatusCode.ShouldBe(HttpStatusCode.OK, await updated.Content.ReadAsStringAsync());
            var body = await updated.ReadJsonAsync();
            body.GetProperty("limitUsd").GetDecimal().ShouldBe(25m);
            body.Text("name").ShouldBe("members");
        }

        using (var duplicate = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/budgets", admin,
                   new { name = "members", scope = "tenant", period = "day", limitUsd = 1m })))
        {
            await duplicate.ShouldBeProblemAsync(409);
        }

        // Another tenant's admin sees none of it and cannot touch it.
        (await CostingScenario.GetJsonAsync(client, "/api/v1/budgets", other)).EnumerateArray().Select(b => b.Text("name")).ShouldNotContain("members");
        using (var foreign = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Get, "/api/v1/budgets/" + id, other)))
        {
            await foreign.ShouldBeProblemAsync(404);
        }

        using (var foreignPut = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Put, "/api/v1/budgets/" + id, other, new { limitUsd = 1000m })))
        {
            await foreignPut.ShouldBeProblemAsync(404);
        }

        using (var foreignDelete = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Delete, "/api/v1/budgets/" + id, other)))
        {
            await foreignDelete.ShouldBeProblemAsync(404);
        }

        (await CostingScenario.GetJsonAsync(client, "/api/v1/budgets/" + id, admin)).GetProperty("limitUsd").GetDecimal().ShouldBe(25m);

        using (var deleted = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Delete, "/api/v1/budgets/" + id, admin)))
        {
            deleted.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        using (var gone = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Get, "/api/v1/budgets/" + id, admin)))
        {
            await gone.ShouldBeProblemAsync(404);
        }
    }

    public static TheoryData<object, string> BadBudgets => new()
    {
        { new { name = "b", scope = "planet", period = "month", limitUsd = 1m }, "scope" },
        { new { name = "b", scope = "tenant", period = "fortnight", limitUsd = 1m }, "period" },
        { new { name = "b", scope = "tenant", period = "month", limitUsd = -1m }, "limitUsd" },
        { new { name = "b", scope = "tenant", period = "month", limitUsd = 5_000_000_000m }, "limitUsd" },
        { new { name = "b", scope = "tenant", period = "month", limitTokens = -5L }, "limitTokens" },
        { new { name = "", scope = "tenant", period = "month", limitUsd = 1m }, "name" },
    };

    [Theory]
    [MemberData(nameof(BadBudgets))]
    public async Task A_bad_budget_is_a_400_naming_the_field_and_nothing_is_stored(object body, string field)
    {
        using var host = new LlmTestHost();
        using var client = host.CreateClient();
        var admin = await host.SignInAsync(client, "admin@example.com");
        var before = (await CostingScenario.GetJsonAsync(client, "/api/v1/budgets", admin)).GetArrayLength();

        using var response = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/budgets", admin, body));
        var problem = await response.ShouldBeProblemAsync(400);
        problem.Text("field").ShouldBe(field);
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.ToString());

        (await CostingScenario.GetJsonAsync(client, "/api/v1/budgets", admin)).GetArrayLength().ShouldBe(before);
    }

    [Theory]
    [InlineData("/api/v1/costs/by/planet", "dimension")]
    [InlineData("/api/v1/costs/summary?range=2y", "range")]
    [InlineData("/api/v1/costs/summary?from=yesterday&to=2026-01-01", "from")]
    [InlineData("/api/v1/costs/summary?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to")]
    [InlineData("/api/v1/costs/timeseries?interval=minute", "interval")]
    [InlineData("/api/v1/costs/timeseries?interval=day&timeZone=Mars/Olympus", "timeZone")]
    [InlineData("/api/v1/costs/export?range=forever", "range")]
    [InlineData("/api/v1/usage/me?range=1y", "range")]
    public async Task Bad_analytics_input_is_a_400_naming_the_field(string path, string field)
    {
        using var host = new LlmTestHost();
        using var client = host.CreateClient();
        var admin = await host.SignInAsync(client, "admin@example.com");
        using var response = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Get, path, admin));
        (await response.ShouldBeProblemAsync(400)).Text("field").ShouldBe(field);
    }

    [Fact]
    public async Task Prices_are_listed_and_set_by_admins_and_a_negative_price_is_refused()
    {
        using var host = new LlmTestHost();
        using var client = host.CreateClient();
        var admin = await host.SignInAsync(client, "admin@example.com");
        var member = await host.SignInAsync(client, "member@example.com");

        var prices = await CostingScenario.GetJsonAsync(client, "/api/v1/costs/prices?provider=foundation-demo", admin);
        var demo = prices.EnumerateArray().Single(p => p.Text("model") == "foundation-demo-1");
        demo.GetProperty("price").GetProperty("inputPerMillion").GetDecimal().ShouldBe(1.00m);

        demo.GetProperty("isOverride").GetBoolean().ShouldBeFalse();

        using (var bad = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Put, "/api/v1/costs/prices", admin,
                   new { provider = "openai", model = "gpt-4o-mini", inputPerMillion = -1m, outputPerMillion = 2m })))
        {
            (await bad.ShouldBeProblemAsync(400)).Text("field").ShouldBe("inputPerMillion");
        }

        // An admin's price is the tenant's own override (the global catalog is the platform operators').
        using (var set = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Put, "/api/v1/costs/prices", admin,
                   new { provider = "openai", model = "gpt-4o-mini", inputPerMillion = 0.5m, outputPerMillion = 2m })))
        {
            set.StatusCode.ShouldBe(HttpStatusCode.OK, await set.Content.ReadAsStringAsync());
        }

        (await CostingScenario.GetJsonAsync(client, "/api/v1/costs/prices?provider=openai&model=gpt-4o-mini", admin)).EnumerateArray()
            .ShouldContain(p => p.GetProperty("price").GetProperty("inputPerMillion").GetDecimal() == 0.5m
                && p.GetProperty("isOverride").GetBoolean() && p.GetProperty("inEffect").GetBoolean());

        // Members may see their own usage, not the tenant's costs, budgets or prices.
        foreach (var (method, path) in new[] { (HttpMethod.Get, "/api/v1/costs/summary"), (HttpMethod.Get, "/api/v1/budgets"), (HttpMethod.Put, "/api/v1/costs/prices") })
        {
            using var forbidden = await client.SendAsync(LlmTestHost.Authorized(method, path, member, method == HttpMethod.Put ? new { provider = "x" } : null));
            forbidden.StatusCode.ShouldBe(HttpStatusCode.Forbidden, path);
        }

        (await CostingScenario.GetJsonAsync(client, "/api/v1/usage/me", member)).GetProperty("usage").GetProperty("requests").GetInt64().ShouldBe(0);
        using var anonymous = await client.GetAsync("/api/v1/usage/me");
        anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
