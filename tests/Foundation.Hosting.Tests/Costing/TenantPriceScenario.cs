using System.Net;
using System.Text;
using System.Text.Json;
using Foundation.Auditing;
using Foundation.Costing.Storage;
using Foundation.Hosting.Tests.Infrastructure;
using Foundation.Hosting.Tests.Llm;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Hosting.Tests.Costing;

/// <summary>
/// Issue 17 item 2 through the sample with its real router and the offline demo deployment ($1 / $3 per 1M tokens from configuration):
/// a tenant's price override applies to that tenant only (0 and 10,000 in tenant A leave tenant B's costs and budgets alone), removing it
/// brings the global price back, only a platform operator (<c>Foundation:Auth:PlatformOperators</c>) changes the global catalog and that
/// applies to every tenant without an override, and every price and budget change is audited. Run on SQLite and PostgreSQL.
/// </summary>
internal static class TenantPriceScenario
{
    public const string Provider = "foundation-demo";
    public const string Model = "foundation-demo-1";

    public static async Task RunAsync(LlmTestHost host)
    {
        using var client = host.CreateClient();
        var ownerA = await host.SignInAsync(client, "owner@a.example", tenant: "tenant-a");
        var ownerB = await host.SignInAsync(client, "owner@b.example", tenant: "tenant-b");
        var operatorToken = await host.SignInAsync(client, "ops@platform.example", tenant: "platform");

        // Both tenants start at the global (configured) price.
        (await ChatCostAsync(host, client, ownerA, "tenant-a")).ShouldBe((1m, 3m));
        (await ChatCostAsync(host, client, ownerB, "tenant-b")).ShouldBe((1m, 3m));

        // Tenant A's owner sets the price to 0: A's calls are free, B's still cost the global price.
        using (var set = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Put, "/api/v1/costs/prices", ownerA,
                   new { provider = Provider, model = Model, inputPerMillion = 0m, outputPerMillion = 0m })))
        {
            var body = await set.Content.ReadAsStringAsync();
            set.StatusCode.ShouldBe(HttpStatusCode.OK, body);
            var entry = JsonDocument.Parse(body).RootElement;
            entry.GetProperty("isOverride").GetBoolean().ShouldBeTrue();
            entry.Text("tenantId").ShouldBe("tenant-a");
        }

        (await ChatCostAsync(host, client, ownerA, "tenant-a")).ShouldBe((0m, 0m));
        (await ChatCostAsync(host, client, ownerB, "tenant-b")).ShouldBe((1m, 3m), "tenant A's override must not change tenant B's price");

        var pricesA = await PricesAsync(client, ownerA);
        pricesA.ShouldContain(p => p.GetProperty("isOverride").GetBoolean() && p.GetProperty("inEffect").GetBoolean()
            && p.GetProperty("price").GetProperty("inputPerMillion").GetDecimal() == 0m);
        var pricesB = await PricesAsync(client, ownerB);
        pricesB.ShouldNotContain(p => p.GetProperty("isOverride").GetBoolean(), "tenant B sees no override of tenant A");
        pricesB.Single(p => p.GetProperty("inEffect").GetBoolean()).GetProperty("price").GetProperty("inputPerMillion").GetDecimal().ShouldBe(1m);

        // Both tenants get the same hard $1 budget; tenant A's owner sets the price to 10,000: A is refused with 402, B is not.
        await CreateBudgetAsync(client, ownerA);
        await CreateBudgetAsync(client, ownerB);
        using (var set = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Put, "/api/v1/costs/prices", ownerA,
                   new { provider = Provider, model = Model, inputPerMillion = 10_000m, outputPerMillion = 10_000m })))
        {
            set.StatusCode.ShouldBe(HttpStatusCode.OK, await set.Content.ReadAsStringAsync());
        }

        using (var refused = await ChatAsync(client, ownerA))
        {
            (await refused.ShouldBeProblemAsync(402)).Text("code").ShouldBe("budget_exceeded");
        }

        (await ChatCostAsync(host, client, ownerB, "tenant-b")).ShouldBe((1m, 3m), "tenant B's budget is unaffected by tenant A's price");

        // Tenant A removes its override (query form): back to the global price, and a second removal finds nothing.
        using (var removed = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Delete, $"/api/v1/costs/prices?provider={Provider}&model={Model}", ownerA)))
        {
            removed.StatusCode.ShouldBe(HttpStatusCode.NoContent, await removed.Content.ReadAsStringAsync());
        }

        using (var again = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Delete, "/api/v1/costs/prices", ownerA, new { provider = Provider, model = Model })))
        {
            await again.ShouldBeProblemAsync(404);
        }

        (await PricesAsync(client, ownerA)).ShouldNotContain(p => p.GetProperty("isOverride").GetBoolean());
        (await ChatCostAsync(host, client, ownerA, "tenant-a")).ShouldBe((1m, 3m), "without its override tenant A pays the global price again");

        // The global catalog: a tenant's owner is refused (403 problem) on every verb, whatever its role in its tenant.
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Put, HttpMethod.Delete })
        {
            using var forbidden = await client.SendAsync(LlmTestHost.Authorized(method, "/api/v1/costs/prices/global", ownerA,
                method == HttpMethod.Get ? null : new { provider = Provider, model = Model, inputPerMillion = 0m, outputPerMillion = 0m }));
            await forbidden.ShouldBeProblemAsync(403);
        }

        // The operator is not listed yet: refused too. Then the host lists it and reloads its configuration.
        using (var notYet = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Put, "/api/v1/costs/prices/global", operatorToken,
                   new { provider = Provider, model = Model, inputPerMillion = 2m, outputPerMillion = 6m })))
        {
            await notYet.ShouldBeProblemAsync(403);
        }

        var operatorId = Subject(operatorToken);
        var configuration = (IConfigurationRoot)host.Factory.Services.GetRequiredService<IConfiguration>();
        configuration["Foundation:Auth:PlatformOperators:0"] = operatorId;
        configuration.Reload();

        // Tenant A overrides again (0.5 / 0.5), then the operator changes the global price to 2 / 6: B follows the global price, A keeps its own.
        using (var set = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Put, "/api/v1/costs/prices", ownerA,
                   new { provider = Provider, model = Model, inputPerMillion = 0.5m, outputPerMillion = 0.5m })))
        {
            set.StatusCode.ShouldBe(HttpStatusCode.OK, await set.Content.ReadAsStringAsync());
        }

        using (var global = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Put, "/api/v1/costs/prices/global", operatorToken,
                   new { provider = Provider, model = Model, inputPerMillion = 2m, outputPerMillion = 6m })))
        {
            var body = await global.Content.ReadAsStringAsync();
            global.StatusCode.ShouldBe(HttpStatusCode.OK, body);
            JsonDocument.Parse(body).RootElement.GetProperty("isOverride").GetBoolean().ShouldBeFalse();
        }

        (await ChatCostAsync(host, client, ownerB, "tenant-b")).ShouldBe((2m, 6m), "a tenant without an override follows the global price");
        var globalSeenByB = (await PricesAsync(client, ownerB)).Single(p => p.GetProperty("inEffect").GetBoolean());
        globalSeenByB.GetProperty("source").GetInt32().ShouldBe(2);
        globalSeenByB.Text("note").ShouldBe("platform operator", "a tenant is not shown the operator's user id");
        (await ChatCostAsync(host, client, ownerA, "tenant-a")).ShouldBe((0.5m, 0.5m), "a tenant's override wins over the global price");

        using (var listed = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Get, $"/api/v1/costs/prices/global?provider={Provider}", operatorToken)))
        {
            listed.StatusCode.ShouldBe(HttpStatusCode.OK);
            var all = (await listed.ReadJsonAsync()).EnumerateArray().ToList();
            all.ShouldContain(p => p.GetProperty("price").GetProperty("inputPerMillion").GetDecimal() == 2m);
            all.ShouldNotContain(p => p.GetProperty("isOverride").GetBoolean(), "the global list holds no tenant's override");
        }

        using (var removedGlobal = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Delete, "/api/v1/costs/prices/global", operatorToken,
                   new { provider = Provider, model = Model })))
        {
            removedGlobal.StatusCode.ShouldBe(HttpStatusCode.NoContent, await removedGlobal.Content.ReadAsStringAsync());
        }

        (await ChatCostAsync(host, client, ownerB, "tenant-b")).ShouldBe((1m, 3m), "without the database price the configured one applies again");

        // Every change was audited with its actor, tenant and the price before and after.
        var events = host.Audit.Events;
        var setA = events.Where(e => e.Action == "costing.price.set" && e.TenantId == "tenant-a").ToList();
        setA.Count.ShouldBe(3);
        setA.ShouldAllBe(e => e.ActorUserId == Subject(ownerA) && e.Outcome == AuditOutcome.Success && e.TargetId == Provider + "/" + Model);
        setA[0].Data["before.source"].ShouldBe("configuration");
        setA[0].Data["before.inputPerMillion"].ShouldBe("1");
        setA[0].Data["after.source"].ShouldBe("tenant");
        setA[0].Data["after.inputPerMillion"].ShouldBe("0");
        setA[1].Data["before.inputPerMillion"].ShouldBe("0");
        setA[1].Data["after.inputPerMillion"].ShouldBe("10000");
        var removedA = events.Single(e => e.Action == "costing.price.removed");
        removedA.TenantId.ShouldBe("tenant-a");
        removedA.ActorUserId.ShouldBe(Subject(ownerA));
        removedA.Data["before.inputPerMillion"].ShouldBe("10000");
        removedA.Data["after.source"].ShouldBe("configuration");
        var globalSet = events.Single(e => e.Action == "costing.global_price.set");
        globalSet.ActorUserId.ShouldBe(operatorId);
        globalSet.TenantId.ShouldBeNull("a global change belongs to no tenant");
        globalSet.Data["actorTenant"].ShouldBe("platform");
        globalSet.Data["after.inputPerMillion"].ShouldBe("2");
        var globalRemoved = events.Single(e => e.Action == "costing.global_price.removed");
        globalRemoved.ActorUserId.ShouldBe(operatorId);
        globalRemoved.Data["before.source"].ShouldBe("database");
        events.Where(e => e.Action.StartsWith("costing.global_price.", StringComparison.Ordinal)).ShouldAllBe(e => e.ActorUserId == operatorId,
            "the refused attempts changed nothing and wrote no price event");
        var budgets = events.Where(e => e.Action == "costing.budget.set").ToList();
        budgets.ShouldContain(e => e.TenantId == "tenant-a" && e.ActorUserId == Subject(ownerA) && decimal.Parse(e.Data["after.limitUsd"]!, System.Globalization.CultureInfo.InvariantCulture) == 1m);
        budgets.ShouldContain(e => e.TenantId == "tenant-b" && e.ActorUserId == Subject(ownerB));
    }

    /// <summary>
    /// One chat call by <paramref name="token"/>; answers the rates (USD per 1M input and output tokens) it was charged at, from its ledger
    /// row (tokens and cost), so a wrong rate is named in the failure.
    /// </summary>
    public static async Task<(decimal Input, decimal Output)> ChatCostAsync(LlmTestHost host, HttpClient client, string token, string tenant)
    {
        await CostingScenario.FlushAsync(host);
        var seen = (await LedgerAsync(host, tenant)).Select(e => e.Id).ToHashSet();
        using (var response = await ChatAsync(client, token))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }

        await CostingScenario.FlushAsync(host);
        var entry = (await LedgerAsync(host, tenant)).Where(e => !seen.Contains(e.Id)).ShouldHaveSingleItem();
        entry.Model.ShouldBe(Model);
        entry.CostNanos.ShouldNotBeNull();
        var nanos = (decimal)entry.CostNanos!.Value;

        // Which of the candidate rates explains the cost exactly (the ledger keeps nano-dollars).
        foreach (var (input, output) in new[] { (1m, 3m), (0m, 0m), (10_000m, 10_000m), (2m, 6m), (0.5m, 0.5m) })
        {
            if (decimal.Round(((entry.InputTokens * input) + (entry.OutputTokens * output)) / 1_000_000m * 1_000_000_000m, 0) == nanos)
            {
                return (input, output);
            }
        }

        throw new ShouldAssertException($"The call's cost {nanos} nano-dollars for {entry.InputTokens} input and {entry.OutputTokens} output tokens matches no expected rate.");
    }

    private static async Task<List<LedgerEntry>> LedgerAsync(LlmTestHost host, string tenant)
    {
        await using var scope = host.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CostingDbContext>();
        return await db.Ledger.AsNoTracking().Where(e => e.TenantId == tenant).ToListAsync();
    }

    public static Task<HttpResponseMessage> ChatAsync(HttpClient client, string token) =>
        client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/llm/chat", token,
            new { messages = new[] { new { role = "user", content = "What does Foundation cost?" } } }));

    public static async Task<List<JsonElement>> PricesAsync(HttpClient client, string token) =>
        (await CostingScenario.GetJsonAsync(client, $"/api/v1/costs/prices?provider={Provider}&model={Model}", token)).EnumerateArray().ToList();

    private static async Task CreateBudgetAsync(HttpClient client, string token)
    {
        using var budget = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/budgets", token,
            new { name = "tenant daily", scope = "tenant", period = "day", limitUsd = 1m }));
        budget.StatusCode.ShouldBe(HttpStatusCode.Created, await budget.Content.ReadAsStringAsync());
    }

    /// <summary>The <c>sub</c> of an access token (the user id).</summary>
    public static string Subject(string token)
    {
        var payload = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
        using var document = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
        return document.RootElement.GetProperty("sub").GetString()!;
    }
}
