using BenchmarkDotNet.Attributes;
using Foundation.Audit.Chain;
using Foundation.Audit.Storage;
using Foundation.Audit.Verification;
using Foundation.Audit.Writing;
using Foundation.Auditing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Foundation.Benchmarks.Audit;

/// <summary>
/// Foundation.Audit's hot paths on a real engine: appending a 1,000-event batch to one tenant's chain (the background writer's unit of
/// work: head lock, hashing, inserts, one checkpoint; events/s = 1,000 / mean), verifying a 10,000-event chain (events/s = 10,000 / mean),
/// and hashing one event's canonical form. Targets (issue 13): append >= 50,000 events/s on SQLite, verify >= 500,000 events/s.
/// PostgreSQL needs <c>FOUNDATION_TEST_POSTGRES</c>.
/// </summary>
[MemoryDiagnoser]
public class AuditBenchmarks
{
    private const int Batch = 1_000;
    private const int ChainLength = 10_000;
    private ServiceProvider _services = null!;
    private AuditAppender _appender = null!;
    private AuditEventEntity _sample = null!;
    private string _sqlitePath = "";
    private string _pgAdmin = "";
    private string _pgName = "";
    private int _tenant;

    [Params("sqlite", "postgresql")]
    public string Provider { get; set; } = "sqlite";

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var builder = services.AddFoundationAudit(o =>
        {
            o.Signing.Keys["k1"] = Convert.ToBase64String(new byte[32]);
            o.Checkpoints.EveryEvents = 1000;
        });
        if (Provider == "sqlite")
        {
            _sqlitePath = Path.Combine(Path.GetTempPath(), $"foundation-audit-bench-{Guid.NewGuid():N}.db");
            using (var c = new SqliteConnection($"Data Source={_sqlitePath}"))
            {
                c.Open();
                using var cmd = c.CreateCommand();
                cmd.CommandText = "PRAGMA journal_mode=WAL;";
                cmd.ExecuteNonQuery();
            }

            builder.UseSqlite($"Data Source={_sqlitePath}");
        }
        else
        {
            _pgAdmin = Environment.GetEnvironmentVariable("FOUNDATION_TEST_POSTGRES") ?? throw new InvalidOperationException("Set FOUNDATION_TEST_POSTGRES for the PostgreSQL benchmarks.");
            _pgName = "foundation_audit_bench_" + Guid.NewGuid().ToString("N")[..8];
            using (var c = new NpgsqlConnection(_pgAdmin))
            {
                c.Open();
                using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{_pgName}\"", c);
                cmd.ExecuteNonQuery();
            }

            builder.UseNpgsql(new NpgsqlConnectionStringBuilder(_pgAdmin) { Database = _pgName }.ConnectionString);
        }

        _services = services.BuildServiceProvider();
        _services.GetRequiredService<AuditDatabaseMigrator>().MigrateAsync().GetAwaiter().GetResult();
        _appender = _services.GetRequiredService<AuditAppender>();
        for (var i = 0; i < ChainLength / Batch; i++)
        {
            AppendTo("verify-me");
        }

        _sample = Events("sample", 1)[0];
        _sample.PrevHash = AuditCanonicalForm.GenesisHash;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        if (Provider == "sqlite")
        {
            SqliteConnection.ClearAllPools();
            File.Delete(_sqlitePath);
        }
        else
        {
            NpgsqlConnection.ClearAllPools();
            using var c = new NpgsqlConnection(_pgAdmin);
            c.Open();
            using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_pgName}\" WITH (FORCE)", c);
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>One 1,000-event batch appended to a tenant's chain (a new tenant every 50 batches, so the chain grows as in production).</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public void Append_batch_of_1000() => AppendTo("bench-" + (Interlocked.Increment(ref _tenant) / 50));

    /// <summary>Verifies a 10,000-event chain with its 10 checkpoints (database read included).</summary>
    [Benchmark(OperationsPerInvoke = ChainLength)]
    public bool Verify_chain_of_10000()
    {
        using var scope = _services.CreateScope();
        var result = scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync("verify-me").GetAwaiter().GetResult();
        return result.IsValid ? true : throw new InvalidOperationException(result.Break!.Message);
    }

    /// <summary>The canonical form and SHA-256 of one event, in memory.</summary>
    [Benchmark]
    public string Hash_one_event() => AuditCanonicalForm.EventHash(_sample);

    private void AppendTo(string tenant)
    {
        using var scope = _services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AuditDbContext>();
        _appender.AppendAsync(db, Events(tenant, Batch), skipExisting: false, CancellationToken.None).GetAwaiter().GetResult();
    }

    private static List<AuditEventEntity> Events(string tenant, int count)
    {
        var now = DateTimeOffset.UtcNow;
        return [.. Enumerable.Range(0, count).Select(i => AuditEventMapper.ToEntity(new AuditEvent(i % 3 == 0 ? "auth.login.failed" : "auth.login", AuditOutcome.Success)
        {
            TenantId = tenant, ActorUserId = "u-" + (i % 50), TargetType = "user", TargetId = "u-" + (i % 50), IpAddress = "203.0.113.7",
            UserAgent = "Mozilla/5.0 (X11; Linux x86_64)", RequestId = "0HN" + i,
            Data = new Dictionary<string, string?>(StringComparer.Ordinal) { ["reason"] = "bad password" },
        }, now, 8192))];
    }
}
