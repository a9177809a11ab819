using BenchmarkDotNet.Attributes;
using Foundation.Audit.Chain;
using Foundation.Audit.Storage;
using Foundation.Audit.Verification;
using Foundation.Audit.Writing;
using Foundation.Auditing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
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

    /// <summary>Personal fields encrypted under per-person data keys (the default whenever an ISecretProtector is registered, as under Foundation.Hosting).</summary>
    [Params(false, true)]
    public bool EncryptPersonalData { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var builder = services.AddFoundationAudit(o =>
        {
            o.Signing.Keys["k1"] = Convert.ToBase64String(new byte[32]);
            o.Checkpoints.EveryEvents = 1000;
            o.PersonalData.EncryptFields = EncryptPersonalData;
        });
        if (EncryptPersonalData)
        {
            services.AddSingleton<Foundation.Security.ISecretProtector>(new Foundation.Hosting.Security.DataProtectionSecretProtector(
                new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider()));
        }
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

    /// <summary>
    /// Reading the same 10,000 events the way the verifier reads them (EF Core, no tracking, streamed, in sequence order) without
    /// checking anything: the database read and materialisation share of <see cref="Verify_chain_of_10000"/>.
    /// </summary>
    [Benchmark(OperationsPerInvoke = ChainLength)]
    public long Read_chain_of_10000_ef()
    {
        using var scope = _services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AuditDbContext>();
        return ReadEfAsync(db).GetAwaiter().GetResult();
    }

    /// <summary>
    /// The same rows through a raw <see cref="System.Data.Common.DbDataReader"/> over the hashed columns (what EF Core's
    /// materialisation costs on top: <see cref="Read_chain_of_10000_ef"/> minus this).
    /// </summary>
    [Benchmark(OperationsPerInvoke = ChainLength)]
    public long Read_chain_of_10000_raw()
    {
        using var scope = _services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AuditDbContext>();
        return ReadRawAsync(db).GetAwaiter().GetResult();
    }

    /// <summary>The canonical form and SHA-256 of one event, in memory.</summary>
    [Benchmark]
    public string Hash_one_event() => AuditCanonicalForm.EventHash(_sample);

    private static async Task<long> ReadEfAsync(AuditDbContext db)
    {
        var last = 0L;
        await foreach (var row in db.Events.AsNoTracking().Where(e => e.TenantId == "verify-me" && e.Seq > 0).OrderBy(e => e.Seq).AsAsyncEnumerable())
        {
            last = row.Seq + row.Hash.Length;
        }

        return last == ChainLength + 64 ? last : throw new InvalidOperationException("The chain was not read whole.");
    }

    private static async Task<long> ReadRawAsync(AuditDbContext db)
    {
        var sqlite = db.Database.IsSqlite();
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "SELECT id, tenant_id, seq, occurred_at, actor_type, actor_user_id, actor_api_key_id, action, target_type, target_id, outcome, "
                + "severity, client_ip, user_agent, request_id, details, prev_hash, hash FROM audit_events WHERE tenant_id = @tenant AND seq > @start ORDER BY seq";
            var tenant = command.CreateParameter();
            tenant.ParameterName = "@tenant";
            tenant.Value = "verify-me";
            command.Parameters.Add(tenant);
            var start = command.CreateParameter();
            start.ParameterName = "@start";
            start.Value = 0L;
            command.Parameters.Add(start);
            await using var reader = await command.ExecuteReaderAsync();
            var last = 0L;
            while (await reader.ReadAsync())
            {
                var row = new AuditEventEntity
                {
                    Id = reader.GetGuid(0),
                    TenantId = reader.GetString(1),
                    Seq = reader.GetInt64(2),
                    OccurredAt = sqlite ? new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero) : reader.GetFieldValue<DateTimeOffset>(3),
                    ActorType = reader.GetString(4),
                    ActorUserId = reader.IsDBNull(5) ? null : reader.GetString(5),
                    ActorApiKeyId = reader.IsDBNull(6) ? null : reader.GetString(6),
                    Action = reader.GetString(7),
                    TargetType = reader.IsDBNull(8) ? null : reader.GetString(8),
                    TargetId = reader.IsDBNull(9) ? null : reader.GetString(9),
                    Outcome = reader.GetString(10),
                    Severity = reader.GetString(11),
                    ClientIp = reader.IsDBNull(12) ? null : reader.GetString(12),
                    UserAgent = reader.IsDBNull(13) ? null : reader.GetString(13),
                    RequestId = reader.IsDBNull(14) ? null : reader.GetString(14),
                    Details = reader.IsDBNull(15) ? null : reader.GetString(15),
                    PrevHash = reader.GetString(16),
                    Hash = reader.GetString(17),
                };
                last = row.Seq + row.Hash.Length;
            }

            return last == ChainLength + 64 ? last : throw new InvalidOperationException("The chain was not read whole.");
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

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
