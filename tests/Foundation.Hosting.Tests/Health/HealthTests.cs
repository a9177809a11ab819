using System.Net;
using System.Text.Json;
using Foundation.Hosting.Tests.Infrastructure;

namespace Foundation.Hosting.Tests.Health;

[Trait("Category", TestCategories.Integration)]
public sealed class HealthTests
{
    /// <summary>Set by ./eng/test.sh, which starts a real PostgreSQL 15 on 127.0.0.1:5432.</summary>
    private const string PostgresVariable = "FOUNDATION_TEST_POSTGRES";

    [Fact]
    public async Task Live_is_200_json_with_status_duration_and_checks()
    {
        using var factory = new SampleAppFactory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/health/live");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/json");
        response.Headers.CacheControl?.NoStore.ShouldBeTrue();
        var body = await response.ReadJsonAsync();
        body.Text("status").ShouldBe("Healthy");
        body.GetProperty("totalDurationMs").ValueKind.ShouldBe(JsonValueKind.Number);
        var checks = body.GetProperty("checks").EnumerateArray().ToList();
        checks.ShouldNotBeEmpty();
        foreach (var check in checks)
        {
            check.Text("name").ShouldNotBeEmpty();
            check.Text("status").ShouldBe("Healthy");
            check.GetProperty("durationMs").GetDouble().ShouldBeGreaterThanOrEqualTo(0);
        }

        // Liveness does not touch the database: that is readiness' job.
        checks.Select(c => c.Text("name")).ShouldNotContain("database");
    }

    [Fact]
    public async Task Ready_on_sqlite_is_healthy_with_database_disk_and_memory()
    {
        using var factory = new SampleAppFactory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/health/ready");

        var body = await ReadReportAsync(response, HttpStatusCode.OK);
        body.Text("status").ShouldBe("Healthy");
        CheckNamed(body, "database").Text("status").ShouldBe("Healthy");
        CheckNamed(body, "database").GetProperty("data").Text("provider").ShouldBe("Sqlite");
        CheckNamed(body, "disk").Text("status").ShouldBe("Healthy");
        CheckNamed(body, "memory").Text("status").ShouldBe("Healthy");
    }

    [Fact]
    public async Task Ready_on_postgresql_is_healthy()
    {
        var connectionString = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            Assert.Fail($"{PostgresVariable} is not set. Run the tests through ./eng/test.sh, which starts PostgreSQL 15 on 127.0.0.1:5432 and sets it.");
        }

        using var factory = new SampleAppFactory(new Dictionary<string, string?>
        {
            ["Foundation:Database:Provider"] = "PostgreSql",
            ["Foundation:Database:ConnectionString"] = connectionString,
        });
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/health/ready");

        var body = await ReadReportAsync(response, HttpStatusCode.OK);
        var database = CheckNamed(body, "database");
        database.Text("status").ShouldBe("Healthy", database.ToString());
        database.GetProperty("data").Text("provider").ShouldBe("PostgreSql");
    }

    [Fact]
    public async Task Ready_with_an_unreachable_postgresql_is_503_with_the_database_unhealthy()
    {
        using var factory = new SampleAppFactory(new Dictionary<string, string?>
        {
            ["Foundation:Database:Provider"] = "PostgreSql",
            ["Foundation:Database:ConnectionString"] = "Host=127.0.0.1;Port=1;Username=nobody;Password=nothing;Database=none;Timeout=3",
            ["Foundation:Database:MigrateOnStartup"] = "false",
        });
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/health/ready");

        var body = await ReadReportAsync(response, HttpStatusCode.ServiceUnavailable);
        body.Text("status").ShouldBe("Unhealthy");
        var database = CheckNamed(body, "database");
        database.Text("status").ShouldBe("Unhealthy");
        database.Text("description").ShouldContain("unreachable");
        database.Text("description").ShouldNotContain("nothing");
        CheckNamed(body, "disk").Text("status").ShouldBe("Healthy");
    }

    [Fact]
    public async Task Ready_with_too_little_free_disk_is_503_with_the_disk_unhealthy()
    {
        using var factory = new SampleAppFactory(new Dictionary<string, string?>
        {
            ["Foundation:Hosting:Health:MinimumFreeDiskMegabytes"] = "999999999999",
        });
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/health/ready");

        var body = await ReadReportAsync(response, HttpStatusCode.ServiceUnavailable);
        body.Text("status").ShouldBe("Unhealthy");
        var disk = CheckNamed(body, "disk");
        disk.Text("status").ShouldBe("Unhealthy");
        disk.GetProperty("data").GetProperty("minimumMegabytes").GetInt64().ShouldBe(999999999999);
        CheckNamed(body, "database").Text("status").ShouldBe("Healthy");
    }

    [Fact]
    public async Task Ready_over_the_working_set_ceiling_is_503_with_memory_unhealthy()
    {
        using var factory = new SampleAppFactory(new Dictionary<string, string?>
        {
            ["Foundation:Hosting:Health:MaximumWorkingSetMegabytes"] = "1",
        });
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/health/ready");

        var body = await ReadReportAsync(response, HttpStatusCode.ServiceUnavailable);
        var memory = CheckNamed(body, "memory");
        memory.Text("status").ShouldBe("Unhealthy");
        memory.GetProperty("data").GetProperty("workingSetMegabytes").GetInt64().ShouldBeGreaterThan(1);
    }

    private static async Task<JsonElement> ReadReportAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, text);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/json");

        // Parsing proves the body is well-formed JSON even when a check failed.
        var body = await response.ReadJsonAsync();
        body.GetProperty("totalDurationMs").ValueKind.ShouldBe(JsonValueKind.Number);
        var names = body.GetProperty("checks").EnumerateArray().Select(c => c.Text("name")).ToList();
        names.ShouldBe(["database", "disk", "memory"], ignoreOrder: true);
        return body;
    }

    private static JsonElement CheckNamed(JsonElement report, string name) =>
        report.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    [Fact]
    public void With_migrations_at_start_an_unreachable_database_stops_the_start_with_the_reason()
    {
        using var factory = new SampleAppFactory(new Dictionary<string, string?>
        {
            ["Foundation:Database:Provider"] = "PostgreSql",
            ["Foundation:Database:ConnectionString"] = "Host=127.0.0.1;Port=1;Username=nobody;Password=nothing;Database=none;Timeout=3",
        });

        var ex = Should.Throw<Exception>(() => factory.CreateClient());
        ex.ToString().ShouldContain("127.0.0.1:1");
    }
}
