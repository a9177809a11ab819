using Foundation.Hosting.Tests.Infrastructure;
using Foundation.Hosting.Tests.Llm;

namespace Foundation.Hosting.Tests.Costing;

/// <summary>The main costing path (<see cref="CostingScenario"/>) on a real PostgreSQL database.</summary>
public sealed class CostingOnPostgresTests : IAsyncLifetime
{
    private readonly string _database = "fnd_costing_http_" + Guid.NewGuid().ToString("N")[..12];
    private string _connectionString = string.Empty;

    public async Task InitializeAsync()
    {
        _connectionString = await TestPostgresDatabase.CreateAsync(_database);
    }

    public async Task DisposeAsync()
    {
        await TestPostgresDatabase.DropAsync(_database);
    }

    [Fact]
    public async Task A_gateway_call_is_metered_shown_and_analysed_and_a_hard_budget_refuses_with_402_on_postgres()
    {
        using var host = new LlmTestHost(settings: new Dictionary<string, string?>
        {
            ["Foundation:Database:Provider"] = "PostgreSql",
            ["Foundation:Database:ConnectionString"] = _connectionString,
        });
        await CostingScenario.RunAsync(host);
    }

    [Fact]
    public async Task A_tenants_price_override_applies_to_that_tenant_only_and_only_platform_operators_change_the_global_catalog_on_postgres()
    {
        using var host = new LlmTestHost(settings: new Dictionary<string, string?>
        {
            ["Foundation:Database:Provider"] = "PostgreSql",
            ["Foundation:Database:ConnectionString"] = _connectionString,
        });
        await TenantPriceScenario.RunAsync(host);
    }
}
