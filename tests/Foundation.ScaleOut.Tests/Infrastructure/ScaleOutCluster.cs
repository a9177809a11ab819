using Foundation.Testing;
using Npgsql;

namespace Foundation.ScaleOut.Tests.Infrastructure;

/// <summary>
/// The deployment of issue 16, on one machine: a fresh PostgreSQL database (on the server of <c>FOUNDATION_TEST_POSTGRES</c>), three
/// sample processes with separate data directories and ports on 127.0.0.1, nginx in front of them, and a fake priced upstream
/// model the gateway forwards to. Everything an instance needs comes from its environment. Disposing stops every process (bounded)
/// and drops the database.
/// </summary>
public class ScaleOutCluster : IAsyncLifetime
{
    /// <summary>The alias the instances route to the fake upstream, and the provider model behind it.</summary>
    public const string Alias = "chat";

    public const string ProviderModel = "fake1";

    /// <summary>The operator's key for the upstream (configured); a caller's own stored key replaces it.</summary>
    public const string OperatorKey = "sk-operator-0000000000000000";

    /// <summary>USD per million tokens of the fake model: a call of 100 input and 100 output tokens costs $0.0003.</summary>
    public const decimal InputPerMillion = 1m;

    public const decimal OutputPerMillion = 2m;

    /// <summary>Lease expiry of the instances (decision 0012), short so a killed instance's slices come back within seconds.</summary>
    public const int LeaseTtlSeconds = 4;

    /// <summary>Npgsql's <c>Maximum Pool Size</c> of each instance.</summary>
    public const int MaxPoolSize = 10;

    private readonly List<TempFolder> _folders = [];
    private PostgresTestEngine? _database;

    public IReadOnlyList<SampleProcess> Instances { get; private set; } = [];

    public NginxBalancer Balancer { get; private set; } = null!;

    /// <summary>A client of the load balancer.</summary>
    public HttpClient Client { get; private set; } = null!;

    public FakeUpstream Upstream { get; private set; } = null!;

    public string ConnectionString => _database?.ConnectionString ?? throw new InvalidOperationException("The cluster is not started.");

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            // Whatever did start is stopped here: xUnit does not dispose a fixture whose initialisation failed.
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync()
    {
        // Each instance's pool is sized so that three of them stay well within PostgreSQL's default max_connections (100), which
        // these tests share with the other test projects running beside them: Npgsql's default (100 per instance) made the server
        // refuse connections under the budget test's load (53300), a 500 for the caller. docs/scale-out.md tells operators the same.
        _database = new PostgresTestEngine("fnd_scaleout", maxPoolSize: MaxPoolSize);
        await _database.CreateAsync();
        Upstream = await FakeUpstream.StartAsync();

        var environment = Settings();
        var instances = new List<SampleProcess>();
        for (var i = 0; i < 3; i++)
        {
            var data = new TempFolder($"foundation-scaleout-{(char)('a' + i)}-");
            _folders.Add(data);
            instances.Add(new SampleProcess($"instance {(char)('a' + i)}", FreePort.Next(), data.Path, environment));
        }

        Instances = instances;
        // Started together: the first to take the migration lock migrates, the others wait for it (decision 0007).
        await Task.WhenAll(instances.Select(i => i.StartAsync()));
        Balancer = await NginxBalancer.StartAsync(instances);
        Client = new HttpClient { BaseAddress = Balancer.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        // Idempotent: called by InitializeAsync when a start fails, and by xUnit after the tests.
        Client?.Dispose();
        Client = null!;
        if (Balancer is not null)
        {
            await Balancer.DisposeAsync();
            Balancer = null!;
        }

        foreach (var instance in Instances)
        {
            await instance.DisposeAsync();
        }

        Instances = [];
        if (Upstream is not null)
        {
            await Upstream.DisposeAsync();
            Upstream = null!;
        }

        foreach (var folder in _folders)
        {
            folder.Dispose();
        }

        _folders.Clear();
        if (_database is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await _database.DropAsync();
            _database = null;
        }
    }

    /// <summary>Starts again any instance a failed test left killed, so one failure does not fail the tests after it.</summary>
    public async Task EnsureRunningAsync()
    {
        foreach (var instance in Instances.Where(i => !i.IsRunning))
        {
            await instance.StartAsync();
        }
    }

    /// <summary>Starts a killed instance again, same port and data directory, and waits until it is ready.</summary>
    public static Task RestartAsync(SampleProcess instance) => instance.StartAsync();

    /// <summary>What the processes print, for a failure message.</summary>
    public string Diagnostics() =>
        string.Join("\n", Instances.Select(i => $"==== {i.Name} ({i.Address}) ====\n{i.RecentOutput}")) + "\n==== nginx ====\n" + Balancer?.RecentOutput;

    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var result = await command.ExecuteScalarAsync();
        return (T)Convert.ChangeType(result is DBNull or null ? default(T)! : result, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<List<string>> StringsAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    /// <summary>The instances' configuration, as environment variables (<c>__</c> for <c>:</c>).</summary>
    protected virtual Dictionary<string, string> Settings() => new()
    {
        ["Foundation__Database__Provider"] = "PostgreSql",
        ["Foundation__Database__ConnectionString"] = ConnectionString,
        // Plain HTTP on loopback behind nginx.
        ["Foundation__Hosting__HttpsRedirection"] = "false",
        // Every request reaches the instances from nginx's address; the per-instance limiter (decision 0002) would only get in the way.
        // The shared limiter is tested with Redis (ScaleOutRedisTests).
        ["Foundation__Hosting__RateLimiting__Enabled"] = "false",
        ["Foundation__Auth__Passwords__Pbkdf2Iterations"] = "100000",
        ["Foundation__Auth__AllowSelfRegistrationIntoNamedTenants"] = "true",
        ["Foundation__Llm__Providers__upstream__Type"] = "OpenAICompatible",
        ["Foundation__Llm__Providers__upstream__BaseUrl"] = Upstream.BaseUrl.AbsoluteUri,
        ["Foundation__Llm__Providers__upstream__ApiKey"] = OperatorKey,
        [$"Foundation__Llm__Models__{Alias}__Deployments__0__Provider"] = "upstream",
        [$"Foundation__Llm__Models__{Alias}__Deployments__0__Model"] = ProviderModel,
        ["Foundation__Llm__Resilience__MaxRetries"] = "0",
        // A stored custom key may name the fake upstream on loopback.
        ["Foundation__Llm__ProviderKeys__AllowedHosts__0"] = "127.0.0.1",
        [$"Foundation__Costing__Prices__upstream__{ProviderModel}__InputPerMillion"] = InputPerMillion.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [$"Foundation__Costing__Prices__upstream__{ProviderModel}__OutputPerMillion"] = OutputPerMillion.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Foundation__Costing__Budgets__Leases__TtlSeconds"] = LeaseTtlSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Foundation__Costing__Budgets__Leases__FlushIntervalMilliseconds"] = "200",
        ["Foundation__Costing__Budgets__ReclaimIntervalSeconds"] = "1",
        ["Logging__LogLevel__Default"] = "Warning",
    };
}

/// <summary>
/// The classes that start a cluster run one after the other (each has its own <see cref="ScaleOutCluster"/>): two clusters at once
/// would be six instances competing for the machine and for PostgreSQL's connections.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ScaleOutClusters
{
    public const string Name = "scale-out clusters";
}

/// <summary>A temporary folder (0700, as .NET creates it), deleted on dispose.</summary>
public sealed class TempFolder(string prefix) : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Left for the system's temp cleaner.
        }
    }
}
