using System.Net;
using System.Text;
using Foundation.Hosting.Tests.Infrastructure;
using Foundation.Hosting.Tests.Llm;

namespace Foundation.Hosting.Tests.Costing;

/// <summary>Price overrides per tenant and the platform operators' global catalog (issue 17 item 2) on SQLite; the PostgreSQL run is in <see cref="CostingOnPostgresTests"/>.</summary>
public sealed class TenantPriceTests
{
    [Fact]
    public async Task A_tenants_price_override_applies_to_that_tenant_only_and_only_platform_operators_change_the_global_catalog_on_sqlite()
    {
        using var host = new LlmTestHost();
        await TenantPriceScenario.RunAsync(host);
    }

    public static TheoryData<string, string> BadPrices => new()
    {
        { """{"provider":"foundation-demo","model":"foundation-demo-1","inputPerMillion":-1,"outputPerMillion":1}""", "inputPerMillion" },
        { """{"provider":"foundation-demo","model":"foundation-demo-1","inputPerMillion":1,"outputPerMillion":10000.5}""", "outputPerMillion" },
        { """{"provider":"foundation-demo","model":"foundation-demo-1","inputPerMillion":1,"outputPerMillion":1,"cachedInputPerMillion":-0.5}""", "cachedInputPerMillion" },
        { """{"provider":"foundation-demo","model":"foundation-demo-1","inputPerMillion":1}""", "outputPerMillion" },
        { """{"provider":"foundation-demo","model":"no-such-model","inputPerMillion":1,"outputPerMillion":1}""", "model" },
        { """{"provider":"no-such-provider","model":"foundation-demo-1","inputPerMillion":1,"outputPerMillion":1}""", "provider" },
        { """{"provider":"foundation-demo","model":"foundation-demo-1\u202E","inputPerMillion":1,"outputPerMillion":1}""", "model" },
        { """{"provider":"foundation\u0000demo","model":"foundation-demo-1","inputPerMillion":1,"outputPerMillion":1}""", "provider" },
        { """{"provider":"foundation-demo","model":"foundation-demo-1","inputPerMillion":1,"outputPerMillion":1,"effectiveFrom":"1970-01-01T00:00:00Z"}""", "effectiveFrom" },
        { """{"provider":"foundation-demo","model":"foundation-demo-1","inputPerMillion":"NaN","outputPerMillion":1}""", "inputPerMillion" },
        { """{"provider":"foundation-demo","model":"foundation-demo-1","inputPerMillion":1e400,"outputPerMillion":1}""", "inputPerMillion" },
    };

    [Theory]
    [MemberData(nameof(BadPrices))]
    public async Task A_bad_price_override_is_a_400_naming_the_field_and_nothing_is_stored(string json, string field)
    {
        using var host = new LlmTestHost();
        using var client = host.CreateClient();
        var owner = await host.SignInAsync(client, "owner@a.example", tenant: "tenant-a");

        var request = LlmTestHost.Authorized(HttpMethod.Put, "/api/v1/costs/prices", owner);
        request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await client.SendAsync(request);
        var problem = await response.ShouldBeProblemAsync(400);
        if (problem.TryGetProperty("field", out var named))
        {
            named.GetString().ShouldBe(field);
        }
        else
        {
            problem.Text("jsonPath").ShouldBe("$." + field, "a malformed number is named by its JSON path");
        }

        (await TenantPriceScenario.PricesAsync(client, owner)).ShouldNotContain(p => p.GetProperty("isOverride").GetBoolean());
        host.Audit.Events.ShouldNotContain(e => e.Action.StartsWith("costing.price", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/api/v1/costs/prices?provider=foundation-demo", "model")]
    [InlineData("/api/v1/costs/prices?model=foundation-demo-1", "provider")]
    [InlineData("/api/v1/costs/prices?provider=foundation-demo&model=foundation-demo-1&effectiveFrom=yesterday", "effectiveFrom")]
    public async Task A_bad_price_removal_is_a_400_naming_the_field(string path, string field)
    {
        using var host = new LlmTestHost();
        using var client = host.CreateClient();
        var owner = await host.SignInAsync(client, "owner@a.example", tenant: "tenant-a");
        using var response = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Delete, path, owner));
        (await response.ShouldBeProblemAsync(400)).Text("field").ShouldBe(field);
    }

    [Fact]
    public async Task A_platform_operators_api_key_and_a_role_claim_named_platform_operator_do_not_open_the_global_catalog()
    {
        using var host = new LlmTestHost();
        using var client = host.CreateClient();
        var token = await host.SignInAsync(client, "ops@platform.example", tenant: "platform");
        string key;
        using (var created = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Post, "/api/v1/api-keys", token, new { name = "automation" })))
        {
            created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
            key = (await created.ReadJsonAsync()).Text("key");
        }

        var configuration = (Microsoft.Extensions.Configuration.IConfigurationRoot)Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>(host.Factory.Services);
        configuration["Foundation:Auth:PlatformOperators:0"] = TenantPriceScenario.Subject(token);
        configuration.Reload();

        using (var withToken = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Get, "/api/v1/costs/prices/global", token)))
        {
            withToken.StatusCode.ShouldBe(HttpStatusCode.OK, "the listed user signed in is an operator");
        }

        using (var withKey = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Get, "/api/v1/costs/prices/global", key)))
        {
            await withKey.ShouldBeProblemAsync(403);
        }

        configuration["Foundation:Auth:PlatformOperators:0"] = "00000000-0000-0000-0000-000000000001";
        configuration.Reload();
        using (var removed = await client.SendAsync(LlmTestHost.Authorized(HttpMethod.Get, "/api/v1/costs/prices/global", token)))
        {
            await removed.ShouldBeProblemAsync(403);
        }
    }

    [Theory]
    [InlineData("Foundation:Auth:PlatformOperators:0", " ", "Foundation:Auth:PlatformOperators:0")]
    [InlineData("Foundation:Auth:DefaultRoles:0", "platform-operator", "is 'platform-operator', which is not a tenant role")]
    public async Task A_bad_platform_operator_setting_fails_the_start_naming_the_key(string key, string value, string named)
    {
        var ex = await Should.ThrowAsync<Exception>(async () =>
        {
            await using var app = await TestApp.StartAsync(o => o.Settings[key] = value);
        });
        ex.AllMessages().ShouldContain(named);
    }
}
