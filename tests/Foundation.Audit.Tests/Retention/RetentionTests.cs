using Foundation.Audit.Retention;
using Foundation.Audit.Tests.Infrastructure;
using Foundation.Audit.Verification;
using Foundation.Audit.Writing;
using Foundation.Auditing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Audit.Tests.Retention;

public abstract class RetentionTests<TDatabase>(TDatabase database) : IClassFixture<TDatabase>
    where TDatabase : AuditTestDatabase
{
    private readonly TestTimeProvider _time = new();

    [Fact]
    public async Task Purging_cuts_the_due_prefix_per_category_respects_a_legal_hold_and_leaves_a_verifiable_chain()
    {
        var tenant = AuditTestDatabase.NewTenant();
        await using var services = database.BuildServices(o =>
        {
            o.Retention.Categories["costing"] = 90;
            o.Retention.Categories["auth"] = 730;
            o.Checkpoints.EveryEvents = 4;
        }, time: _time);
        await AuditTestDatabase.StartAsync(services);
        var writer = services.GetRequiredService<IAuditEventWriter>();
        var old = _time.GetUtcNow().AddDays(-100);
        foreach (var action in new[] { "costing.usage", "costing.usage", "costing.usage", "costing.usage", "costing.usage", "auth.login.failed", "costing.usage", "costing.usage" })
        {
            await writer.WriteAsync(AuditTestDatabase.Event(tenant, action) with { OccurredAt = old });
        }

        var durable = services.GetRequiredService<DurableAuditEventWriter>();
        await durable.FlushAsync();

        using (var scope = services.CreateScope())
        {
            var retention = scope.ServiceProvider.GetRequiredService<AuditRetentionService>();
            await Should.ThrowAsync<AuditValidationException>(() => retention.PlaceLegalHoldAsync(tenant, " ", "u-admin"));
            (await retention.PlaceLegalHoldAsync(tenant, "case 2026-17", "u-admin")).Reason.ShouldBe("case 2026-17");
            var held = await retention.PurgeAsync(tenant);
            held.OnLegalHold.ShouldBeTrue();
            held.EventsDeleted.ShouldBe(0);
            (await retention.ReleaseLegalHoldAsync(tenant, "u-admin")).ShouldBeTrue();
            (await retention.ReleaseLegalHoldAsync(tenant, "u-admin")).ShouldBeFalse();

            // costing (90 days) is due, auth (730 days) is not: the cut stops before the auth event, though costing events follow it.
            var purged = await retention.PurgeAsync(tenant);
            purged.EventsDeleted.ShouldBe(5);
            purged.SealedThroughSeq.ShouldBe(5);
            (await retention.PurgeAsync(tenant)).EventsDeleted.ShouldBe(0);
        }

        await durable.FlushAsync();
        await AuditTestDatabase.StopAsync(services);
        await using (var db = database.CreateContext())
        {
            (await db.Events.Where(e => e.TenantId == tenant).MinAsync(e => e.Seq)).ShouldBe(6);
            var actions = await db.Events.Where(e => e.TenantId == tenant && e.Seq > 8).OrderBy(e => e.Seq).Select(e => e.Action).ToListAsync();
            actions.ShouldBe(["audit.legal_hold.placed", "audit.legal_hold.released", "audit.purged"]);
        }

        using (var scope = services.CreateScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(tenant);
            result.IsValid.ShouldBeTrue(result.Break?.Message);
            result.FirstSeq.ShouldBe(6);
            result.LastSeq.ShouldBe(11);
        }

        // Deleting the first event after the seal is still caught.
        await using (var db = database.CreateContext())
        {
            (await db.Events.Where(e => e.TenantId == tenant && e.Seq == 6).ExecuteDeleteAsync()).ShouldBe(1);
        }

        using (var scope = services.CreateScope())
        {
            var broken = (await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(tenant)).Break.ShouldNotBeNull();
            broken.Kind.ShouldBe(AuditBreakKind.Deleted);
            broken.Seq.ShouldBe(6);
        }
    }

    [Fact]
    public async Task Without_retention_nothing_is_purged()
    {
        var tenant = AuditTestDatabase.NewTenant();
        await using var services = database.BuildServices(time: _time);
        await AuditTestDatabase.StartAsync(services);
        await services.GetRequiredService<IAuditEventWriter>().WriteAsync(AuditTestDatabase.Event(tenant) with { OccurredAt = _time.GetUtcNow().AddYears(-30) });
        await services.GetRequiredService<DurableAuditEventWriter>().FlushAsync();
        using var scope = services.CreateScope();
        (await scope.ServiceProvider.GetRequiredService<AuditRetentionService>().PurgeAsync(tenant)).EventsDeleted.ShouldBe(0);
        await AuditTestDatabase.StopAsync(services);
    }
}

public sealed class SqliteRetentionTests(SqliteAuditDatabase database) : RetentionTests<SqliteAuditDatabase>(database);

public sealed class PostgresRetentionTests(PostgresAuditDatabase database) : RetentionTests<PostgresAuditDatabase>(database);
