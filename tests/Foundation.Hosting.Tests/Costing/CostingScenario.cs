using System.Net;
using System.Text.Json;
using Foundation.Costing.Ledger;
using Foundation.Costing.Storage;
using Foundation.Hosting.Tests.Infrastructure;
using Foundation.Hosting.Tests.Llm;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Hosting.Tests.Costing;

/// <summary>
/// The main costing path through the sample with its real router and the offline demo deployment: a gateway call is metered into the
/// ledger at the demo's price, the caller sees it in /api/v1/usage/me, the analytics answer, and a hard budget refuses with 402 on
/// both LLM endpoints. Run on SQLite and PostgreSQL.
/// </summary>
internal static class CostingScenario
{
    public static async Task RunAsync(LlmTestHost host)
    {
        using var client = host.CreateClient();
        var owner = await host.SignInAsync(client, "owner@example.com");
        string key;
        using (var created = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/api-keys", owner, new { name = "gateway" })))
        {
            created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
            key = (await created.ReadJsonAsync()).Text("key");
        }

        using (var chat = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/v1/chat/completions", key,
                   new { model = "chat", messages = new[] { new { role = "user", content = "What does Foundation cost?" } } })))
        {
            chat.StatusCode.ShouldBe(HttpStatusCode.OK, await chat.Content.ReadAsStringAsync());
        }

        await FlushAsync(host);
        var services = host.Factory.Services;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CostingDbContext>();
            var entries = await db.Ledger.AsNoTracking().ToListAsync();
            var entry = entries.ShouldHaveSingleItem();
            entry.Provider.ShouldBe("foundation-demo");
            entry.Model.ShouldBe("foundation-demo-1");
            entry.Deployment.ShouldBe("foundation-demo");
            entry.TenantId.ShouldBe("");
            entry.UserId.ShouldNotBeNullOrEmpty();
            entry.ApiKeyId.ShouldNotBeNullOrEmpty("the API key id comes from the caller's api_key_id claim");
            entry.InputTokens.ShouldBeGreaterThan(0);
            entry.OutputTokens.ShouldBeGreaterThan(0);
            entry.CostNanos.ShouldNotBeNull("the demo deployment is priced");
            var expectedNanos = ((entry.InputTokens * 1.00m) + (entry.OutputTokens * 3.00m)) / 1_000_000m * 1_000_000_000m;
            ((decimal)entry.CostNanos!.Value).ShouldBe(expectedNanos);
        }

        var usage = await GetJsonAsync(client, "/api/v1/usage/me", owner);
        usage.GetProperty("usage").GetProperty("requests").GetInt64().ShouldBe(1);
        usage.GetProperty("usage").GetProperty("costUsd").GetDecimal().ShouldBeGreaterThan(0m);
        usage.GetProperty("budgets").EnumerateArray().Select(b => b.Text("name")).ShouldContain("owner monthly", "the sample seeds a role budget for owners");

        var summary = await GetJsonAsync(client, "/api/v1/costs/summary?range=24h", owner);
        summary.GetProperty("requests").GetInt64().ShouldBe(1);
        summary.GetProperty("totalCostUsd").GetDecimal().ShouldBeGreaterThan(0m);

        var byModel = await GetJsonAsync(client, "/api/v1/costs/by/model?range=7d", owner);
        byModel.EnumerateArray().Single().Text("key").ShouldBe("foundation-demo-1");

        var series = await GetJsonAsync(client, "/api/v1/costs/timeseries?range=24h&interval=hour&groupBy=provider", owner);
        series.EnumerateArray().Sum(p => p.GetProperty("requests").GetInt64()).ShouldBe(1);
        series.EnumerateArray().Select(p => p.GetProperty("key").GetString()).ShouldContain("foundation-demo");

        using (var export = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Get, "/api/v1/costs/export?range=24h", owner)))
        {
            var csv = await export.Content.ReadAsStringAsync();
            export.StatusCode.ShouldBe(HttpStatusCode.OK, csv);
            export.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
            var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            lines.Length.ShouldBe(2, csv);
            lines[1].ShouldContain("foundation-demo-1");
        }

        // A hard tenant budget that nothing fits in: refused before the provider, on both endpoints.
        using (var budget = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/budgets", owner,
                   new { name = "tiny", scope = "tenant", period = "day", limitUsd = 0.000001m })))
        {
            budget.StatusCode.ShouldBe(HttpStatusCode.Created, await budget.Content.ReadAsStringAsync());
        }

        using (var refused = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/v1/chat/completions", key,
                   new { model = "chat", messages = new[] { new { role = "user", content = "Again" } } })))
        {
            var error = await LlmTestHost.ShouldBeOpenAIErrorAsync(refused, 402);
            error.Text("type").ShouldBe("insufficient_quota");
            error.Text("code").ShouldBe("budget_exceeded");
            var message = error.Text("message");
            message.ShouldContain("'tiny'");
            message.ShouldContain("$0.000001");
            message.ShouldContain("resets at");
        }

        using (var refusedStream = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/v1/chat/completions", key,
                   new { model = "chat", stream = true, messages = new[] { new { role = "user", content = "Again" } } })))
        {
            (await LlmTestHost.ShouldBeOpenAIErrorAsync(refusedStream, 402)).Text("code").ShouldBe("budget_exceeded");
        }

        using (var problem = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/llm/chat", owner,
                   new { messages = new[] { new { role = "user", content = "Again" } } })))
        {
            var body = await problem.ShouldBeProblemAsync(402);
            body.Text("code").ShouldBe("budget_exceeded");
            body.Text("budget").ShouldBe("tiny");
            body.GetProperty("limit").GetProperty("usd").GetDecimal().ShouldBe(0.000001m);
            body.GetProperty("spent").GetProperty("usd").GetDecimal().ShouldBeGreaterThanOrEqualTo(0m);
            body.GetProperty("resetsAt").GetDateTimeOffset().ShouldBeGreaterThan(DateTimeOffset.UtcNow);
        }

        await FlushAsync(host);
        var after = await GetJsonAsync(client, "/api/v1/usage/me", owner);
        after.GetProperty("usage").GetProperty("costUsd").GetDecimal().ShouldBe(usage.GetProperty("usage").GetProperty("costUsd").GetDecimal(), "refused calls cost nothing");
    }

    public static Task FlushAsync(LlmTestHost host) => host.Factory.Services.GetRequiredService<UsageLedgerWriter>().FlushAsync();

    public static async Task<JsonElement> GetJsonAsync(HttpClient client, string path, string token)
    {
        using var response = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Get, path, token));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }
}
