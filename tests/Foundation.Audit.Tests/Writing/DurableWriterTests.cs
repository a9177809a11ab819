using System.Diagnostics.Metrics;
using Foundation.Audit.Diagnostics;
using Foundation.Audit.Tests.Infrastructure;
using Foundation.Audit.Verification;
using Foundation.Audit.Writing;
using Foundation.Auditing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Audit.Tests.Writing;

public abstract class DurableWriterTests<TDatabase>(TDatabase database) : IClassFixture<TDatabase>
    where TDatabase : AuditTestDatabase
{
    protected TDatabase Database { get; } = database;

    [Fact]
    public async Task Events_land_in_audit_events_chained_per_tenant()
    {
        var (a, b) = (AuditTestDatabase.NewTenant(), AuditTestDatabase.NewTenant());
        // This test reads the stored columns in clear; encrypted personal fields have their own tests (PersonalDataEncryptionTests).
        await using var services = Database.BuildServices(o => { o.Checkpoints.EveryEvents = 4; o.PersonalData.EncryptFields = false; });
        await AuditTestDatabase.StartAsync(services);
        var writer = services.GetRequiredService<IAuditEventWriter>();
        writer.ShouldBeOfType<DurableAuditEventWriter>();
        for (var i = 0; i < 10; i++)
        {
            await writer.WriteAsync(AuditTestDatabase.Event(i % 2 == 0 ? a : b, "auth.login.failed", AuditOutcome.Failure) with
            {
                Data = new Dictionary<string, string?> { ["n"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                RequestId = "req-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
        }

        await services.GetRequiredService<DurableAuditEventWriter>().FlushAsync();
        await AuditTestDatabase.StopAsync(services);

        await using var db = Database.CreateContext();
        var rows = await db.Events.AsNoTracking().Where(e => e.TenantId == a).OrderBy(e => e.Seq).ToListAsync();
        rows.Select(r => r.Seq).ShouldBe([1, 2, 3, 4, 5]);
        rows.Select(r => r.Details).ShouldBe(["{\"n\":\"0\"}", "{\"n\":\"2\"}", "{\"n\":\"4\"}", "{\"n\":\"6\"}", "{\"n\":\"8\"}"]);
        rows[0].PrevHash.ShouldBe(new string('0', 64));
        rows[1].PrevHash.ShouldBe(rows[0].Hash);
        rows[0].Outcome.ShouldBe("failure");
        rows[0].Severity.ShouldBe("warning");
        rows[0].ActorType.ShouldBe("user");
        rows[0].ClientIp.ShouldBe("203.0.113.7");
        rows[0].UserAgent.ShouldBe("tests/1.0");
        rows[0].RequestId.ShouldBe("req-0");
        rows.ShouldAllBe(r => r.Id.Version == 7); // time-ordered ids (UUID v7, millisecond prefix from the event's time)
        rows.ShouldAllBe(r => r.Id.ToString("N").StartsWith(r.OccurredAt.ToUnixTimeMilliseconds().ToString("x12", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        (await db.Checkpoints.Where(c => c.TenantId == a).Select(c => c.Seq).ToListAsync()).ShouldBe([4]);

        using var scope = services.CreateScope();
        var verifier = scope.ServiceProvider.GetRequiredService<AuditVerifier>();
        var result = await verifier.VerifyAsync(a);
        result.IsValid.ShouldBeTrue(result.Break?.Message);
        result.EventsVerified.ShouldBe(5);
        result.CheckpointsVerified.ShouldBe(1);
        (await verifier.VerifyAsync(b)).IsValid.ShouldBeTrue();
    }

    [Fact]
    public async Task Graceful_shutdown_flushes_everything_buffered()
    {
        var tenant = AuditTestDatabase.NewTenant();
        await using var services = Database.BuildServices(o => o.BatchSize = 7);
        await AuditTestDatabase.StartAsync(services);
        var writer = services.GetRequiredService<IAuditEventWriter>();
        for (var i = 0; i < 300; i++)
        {
            await writer.WriteAsync(AuditTestDatabase.Event(tenant));
        }

        await AuditTestDatabase.StopAsync(services); // no FlushAsync: stopping must drain
        var durable = services.GetRequiredService<DurableAuditEventWriter>();
        durable.Dropped.ShouldBe(0);
        await using var db = Database.CreateContext();
        (await db.Events.CountAsync(e => e.TenantId == tenant)).ShouldBe(300);
    }

    [Fact]
    public async Task A_full_buffer_drops_and_counts_instead_of_blocking()
    {
        var tenant = AuditTestDatabase.NewTenant();
        await using var services = Database.BuildServices(o => o.Capacity = 5);
        using var dropped = new CounterProbe(services, "foundation.audit.events.dropped");
        var writer = services.GetRequiredService<IAuditEventWriter>();
        for (var i = 0; i < 8; i++)
        {
            await writer.WriteAsync(AuditTestDatabase.Event(tenant)); // hosted services not started: nothing drains yet
        }

        var durable = services.GetRequiredService<DurableAuditEventWriter>();
        durable.Dropped.ShouldBe(3);
        dropped.Total.ShouldBe(3);
        await AuditTestDatabase.StartAsync(services);
        await durable.FlushAsync();
        await AuditTestDatabase.StopAsync(services);
        await using var db = Database.CreateContext();
        (await db.Events.CountAsync(e => e.TenantId == tenant)).ShouldBe(5);
    }
}

public sealed class SqliteDurableWriterTests(SqliteAuditDatabase database) : DurableWriterTests<SqliteAuditDatabase>(database)
{
    [Fact]
    public async Task Events_wait_while_the_database_is_down_and_are_written_when_it_is_back()
    {
        // A database without the audit tables: every append fails until the migrations run.
        var path = Path.Combine(Path.GetTempPath(), $"foundation-audit-down-{Guid.NewGuid():N}.db");
        var connectionString = $"Data Source={path};Default Timeout=60";
        try
        {
            var tenant = AuditTestDatabase.NewTenant();
            await using var services = Database.BuildServices(configureDb: o => o.UseSqlite(connectionString));
            using var failures = new CounterProbe(services, "foundation.audit.write.failures");
            await AuditTestDatabase.StartAsync(services);
            var writer = services.GetRequiredService<IAuditEventWriter>();
            for (var i = 0; i < 20; i++)
            {
                await writer.WriteAsync(AuditTestDatabase.Event(tenant));
            }

            await failures.FirstMeasurement.WaitAsync(TimeSpan.FromMinutes(1));
            var durable = services.GetRequiredService<DurableAuditEventWriter>();
            durable.Written.ShouldBe(0);

            await services.GetRequiredService<Foundation.Audit.Storage.AuditDatabaseMigrator>().MigrateAsync();
            await durable.FlushAsync();
            await AuditTestDatabase.StopAsync(services);
            durable.Dropped.ShouldBe(0);
            durable.Written.ShouldBe(20);
            using var scope = services.CreateScope();
            var result = await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(tenant);
            result.IsValid.ShouldBeTrue(result.Break?.Message);
            result.LastSeq.ShouldBe(20);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { string.Empty, "-wal", "-shm", "-journal" })
            {
                File.Delete(path + suffix);
            }
        }
    }
}

public sealed class PostgresDurableWriterTests(PostgresAuditDatabase database) : DurableWriterTests<PostgresAuditDatabase>(database)
{
}

/// <summary>Sums one Foundation.Audit counter while alive.</summary>
internal sealed class CounterProbe : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _total;

    public CounterProbe(IServiceProvider services, string instrument)
    {
        var meter = services.GetRequiredService<AuditTelemetry>().Meter;
        _listener.InstrumentPublished = (i, l) =>
        {
            if (ReferenceEquals(i.Meter, meter) && i.Name == instrument)
            {
                l.EnableMeasurementEvents(i);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) =>
        {
            Interlocked.Add(ref _total, value);
            _first.TrySetResult();
        });
        _listener.Start();
    }

    public long Total => Interlocked.Read(ref _total);

    public Task FirstMeasurement => _first.Task;

    public void Dispose() => _listener.Dispose();
}
