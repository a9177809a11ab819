using System.Net;
using System.Text.Json;
using Foundation.Costing.Tests.Infrastructure;

namespace Foundation.Costing.Tests.Http;

/// <summary>Foundation.Costing over HTTP in a host that maps only <c>MapFoundationCostingApi()</c>: the package stands alone.</summary>
public abstract class CostingHttpTests<TDatabase>(TDatabase database) : IClassFixture<TDatabase>, IAsyncLifetime
    where TDatabase : CostingTestDatabase
{
    private readonly string _tenant = CostingTestDatabase.NewTenant();
    private CostingTestHost _host = null!;

    private string Admin => $"admin-1;{_tenant};admin";

    public async Task InitializeAsync() => _host = await CostingTestHost.StartAsync(database);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task An_admin_creates_a_budget_and_lists_it_within_the_callers_tenant()
    {
        string id;
        using (var created = await _host.Client.SendAsync(CostingTestHost.Request(HttpMethod.Post, "/api/v1/budgets", Admin,
                   new { name = "members", scope = "role", scopeValue = "member", period = "month", limitUsd = 20m, thresholds = new[] { 50, 90 } })))
        {
            var text = await created.Content.ReadAsStringAsync();
            created.StatusCode.ShouldBe(HttpStatusCode.Created, text);
            using var body = JsonDocument.Parse(text);
            id = body.RootElement.GetProperty("id").GetString()!;
            created.Headers.Location!.ToString().ShouldBe("/api/v1/budgets/" + id);
            body.RootElement.GetProperty("limitUsd").GetDecimal().ShouldBe(20m);
        }

        using (var list = await _host.Client.SendAsync(CostingTestHost.Request(HttpMethod.Get, "/api/v1/budgets", Admin)))
        {
            list.StatusCode.ShouldBe(HttpStatusCode.OK);
            using var body = JsonDocument.Parse(await list.Content.ReadAsStringAsync());
            body.RootElement.EnumerateArray().Select(b => (b.GetProperty("id").GetString(), b.GetProperty("name").GetString()))
                .ShouldBe([(id, "members")]);
        }

        // Another tenant's admin sees none of it: the tenant comes from the caller, never the request.
        using (var other = await _host.Client.SendAsync(CostingTestHost.Request(HttpMethod.Get, "/api/v1/budgets", $"admin-2;other-{_tenant};admin")))
        {
            other.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await other.Content.ReadAsStringAsync()).ShouldBe("[]");
        }
    }

    [Fact]
    public async Task The_host_policies_under_the_FoundationPolicies_names_guard_the_api()
    {
        using (var anonymous = await _host.Client.SendAsync(CostingTestHost.Request(HttpMethod.Get, "/api/v1/budgets", null)))
        {
            anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        using (var member = await _host.Client.SendAsync(CostingTestHost.Request(HttpMethod.Get, "/api/v1/budgets", $"u-1;{_tenant};member")))
        {
            member.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        using (var admin = await _host.Client.SendAsync(CostingTestHost.Request(HttpMethod.Get, "/api/v1/costs/prices/global", Admin)))
        {
            admin.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }

        using (var operatorCall = await _host.Client.SendAsync(CostingTestHost.Request(HttpMethod.Get, "/api/v1/costs/prices/global?provider=openai", $"op-1;{_tenant};operator")))
        {
            operatorCall.StatusCode.ShouldBe(HttpStatusCode.OK, await operatorCall.Content.ReadAsStringAsync());
        }

        using (var me = await _host.Client.SendAsync(CostingTestHost.Request(HttpMethod.Get, "/api/v1/usage/me", $"u-1;{_tenant};member")))
        {
            me.StatusCode.ShouldBe(HttpStatusCode.OK, await me.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Invalid_input_is_a_problem_naming_the_field()
    {
        using var response = await _host.Client.SendAsync(CostingTestHost.Request(HttpMethod.Get, "/api/v1/costs/summary?from=yesterday", Admin));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("field").GetString().ShouldBe("from");
        body.RootElement.GetProperty("errors").GetProperty("from")[0].GetString()!.ShouldContain("is not a date");
    }
}

public sealed class SqliteCostingHttpTests(SqliteCostingDatabase database) : CostingHttpTests<SqliteCostingDatabase>(database);

public sealed class PostgresCostingHttpTests(PostgresCostingDatabase database) : CostingHttpTests<PostgresCostingDatabase>(database);
