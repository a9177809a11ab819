using Foundation.Hosting.Tests.Llm;
using Npgsql;

namespace Foundation.Hosting.Tests.Costing;

/// <summary>The main costing path (<see cref="CostingScenario"/>) on a real PostgreSQL database.</summary>
public sealed class CostingOnPostgresTests : IAsyncLifetime
{
    private readonly string _database = "fnd_costing_http_" + Guid.NewGuid().ToString("N")[..12];
    private string _connectionString = string.Empty;

    public async Task InitializeAsync()
    {
        var admin = Environment.GetEnvironmentVariable("FOUNDATION_TEST_POSTGRES");
        admin.ShouldNotBeNullOrEmpty("FOUNDATION_TEST_POSTGRES is not set. Run the tests through ./eng/test.sh, which starts PostgreSQL 15 on 127.0.0.1 and sets it.");
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_database}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        _connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = _database }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        var admin = Environment.GetEnvironmentVariable("FOUNDATION_TEST_POSTGRES");
        if (!string.IsNullOrEmpty(admin))
        {
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
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
