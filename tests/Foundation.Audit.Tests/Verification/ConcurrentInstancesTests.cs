using System.Globalization;
using Foundation.Audit.Chain;
using Foundation.Audit.Storage;
using Foundation.Audit.Tests.Infrastructure;
using Foundation.Audit.Verification;
using Foundation.Audit.Writing;
using Foundation.Auditing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Audit.Tests.Verification;

/// <summary>Two "instances" (separate service providers, separate pools) appending to one PostgreSQL database keep one chain per tenant.</summary>
public sealed class ConcurrentInstancesTests(PostgresAuditDatabase database) : IClassFixture<PostgresAuditDatabase>
{
    [Fact]
    public async Task Two_hundred_writers_across_two_instances_keep_one_verifiable_chain_without_losing_an_event()
    {
        var tenant = AuditTestDatabase.NewTenant();
        var other = AuditTestDatabase.NewTenant();
        await using var first = database.BuildServices(o => { o.BatchSize = 7; o.Checkpoints.EveryEvents = 25; });
        await using var second = database.BuildServices(o => { o.BatchSize = 5; o.Checkpoints.EveryEvents = 25; });
        await AuditTestDatabase.StartAsync(first);
        await AuditTestDatabase.StartAsync(second);
        var writers = new[] { first.GetRequiredService<IAuditEventWriter>(), second.GetRequiredService<IAuditEventWriter>() };

        const int Writers = 200;
        const int PerWriter = 5;
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            start.Wait();
            for (var n = 0; n < PerWriter; n++)
            {
                await writers[w % 2].WriteAsync(AuditTestDatabase.Event(n % 4 == 3 ? other : tenant) with
                {
                    Data = new Dictionary<string, string?> { ["w"] = w.ToString(CultureInfo.InvariantCulture), ["n"] = n.ToString(CultureInfo.InvariantCulture) },
                });
            }
        })).ToList();
        start.Set();
        await Task.WhenAll(tasks);
        await first.GetRequiredService<DurableAuditEventWriter>().FlushAsync();
        await second.GetRequiredService<DurableAuditEventWriter>().FlushAsync();
        await AuditTestDatabase.StopAsync(first);
        await AuditTestDatabase.StopAsync(second);

        await using var db = database.CreateContext();
        // Details are personal fields, stored encrypted under the actor's data key (created concurrently by both instances): decrypt to compare.
        var rows = await db.Events.AsNoTracking().Where(e => e.TenantId == tenant || e.TenantId == other).ToListAsync();
        rows.ShouldAllBe(e => e.Details!.StartsWith("enc2:", StringComparison.Ordinal));
        using var decryptor = new Foundation.Audit.PersonalData.AuditFieldDecryptor(first.GetRequiredService<Foundation.Audit.PersonalData.AuditSubjectKeys>(), db);
        foreach (var row in rows)
        {
            (await decryptor.DecryptAsync(row, CancellationToken.None)).ShouldBeFalse();
        }

        var details = rows.Select(e => e.Details!).ToList();
        var expected = Enumerable.Range(0, Writers).SelectMany(w => Enumerable.Range(0, PerWriter).Select(n => $"{{\"n\":\"{n}\",\"w\":\"{w}\"}}")).Order(StringComparer.Ordinal);
        details.Order(StringComparer.Ordinal).ShouldBe(expected);

        using var scope = first.CreateScope();
        var verifier = scope.ServiceProvider.GetRequiredService<AuditVerifier>();
        var main = await verifier.VerifyAsync(tenant);
        main.IsValid.ShouldBeTrue(main.Break?.Message);
        main.LastSeq.ShouldBe(Writers * 4);
        main.EventsVerified.ShouldBe(Writers * 4);
        main.CheckpointsVerified.ShouldBeGreaterThanOrEqualTo(Writers * 4 / 25);
        var side = await verifier.VerifyAsync(other);
        side.IsValid.ShouldBeTrue(side.Break?.Message);
        side.LastSeq.ShouldBe(Writers);
    }

    [Fact]
    public async Task Two_hundred_concurrent_append_transactions_across_two_instances_serialise_per_tenant()
    {
        var tenant = AuditTestDatabase.NewTenant();
        await using var first = database.BuildServices(o => o.Checkpoints.EveryEvents = 50);
        await using var second = database.BuildServices(o => o.Checkpoints.EveryEvents = 50);
        var instances = new[] { first, second };
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            start.Wait();
            var sp = instances[i % 2];
            await using var scope = sp.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AuditDbContext>();
            var batch = Enumerable.Range(0, 3).Select(_ => AuditEventMapper.ToEntity(AuditTestDatabase.Event(tenant), DateTimeOffset.UtcNow, 1024)).ToList();
            await sp.GetRequiredService<AuditAppender>().AppendAsync(db, batch, skipExisting: false, CancellationToken.None);
        })).ToList();
        start.Set();
        await Task.WhenAll(tasks);

        using var scope = first.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(tenant);
        result.IsValid.ShouldBeTrue(result.Break?.Message);
        result.LastSeq.ShouldBe(600);
        result.CheckpointsVerified.ShouldBe(12);
    }
}
