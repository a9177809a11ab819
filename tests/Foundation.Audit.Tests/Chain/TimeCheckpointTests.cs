using Foundation.Audit.Chain;
using Foundation.Audit.Storage;
using Foundation.Audit.Tests.Infrastructure;
using Foundation.Audit.Writing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Audit.Tests.Chain;

public sealed class TimeCheckpointTests(SqliteAuditDatabase database) : IClassFixture<SqliteAuditDatabase>
{
    [Fact]
    public async Task A_quiet_tail_gets_a_checkpoint_after_the_interval_and_an_append_after_it_too()
    {
        var tenant = AuditTestDatabase.NewTenant();
        var time = new TestTimeProvider();
        await using var services = database.BuildServices(o => o.Checkpoints.EverySeconds = 60, time: time);
        var appender = services.GetRequiredService<AuditAppender>();
        await AppendAsync(services, tenant, 3, time);
        (await CheckpointSeqsAsync(tenant)).ShouldBeEmpty();

        using (var scope = services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AuditDbContext>();
            (await appender.CheckpointIdleTenantsAsync(db, CancellationToken.None)).ShouldBe(0); // not yet due
            time.Advance(TimeSpan.FromSeconds(61));
            (await appender.CheckpointIdleTenantsAsync(db, CancellationToken.None)).ShouldBe(1);
            (await appender.CheckpointIdleTenantsAsync(db, CancellationToken.None)).ShouldBe(0); // nothing new since
        }

        (await CheckpointSeqsAsync(tenant)).ShouldBe([3]);
        await AppendAsync(services, tenant, 1, time);
        (await CheckpointSeqsAsync(tenant)).ShouldBe([3]);
        time.Advance(TimeSpan.FromSeconds(61));
        await AppendAsync(services, tenant, 2, time);
        (await CheckpointSeqsAsync(tenant)).ShouldBe([3, 6]);
    }

    private static async Task AppendAsync(IServiceProvider services, string tenant, int count, TimeProvider time)
    {
        using var scope = services.CreateScope();
        var batch = Enumerable.Range(0, count).Select(_ => AuditEventMapper.ToEntity(AuditTestDatabase.Event(tenant), time.GetUtcNow(), 1024)).ToList();
        await services.GetRequiredService<AuditAppender>().AppendAsync(scope.ServiceProvider.GetRequiredService<AuditDbContext>(), batch, skipExisting: false, CancellationToken.None);
    }

    private async Task<List<long>> CheckpointSeqsAsync(string tenant)
    {
        await using var db = database.CreateContext();
        return await db.Checkpoints.Where(c => c.TenantId == tenant).OrderBy(c => c.Seq).Select(c => c.Seq).ToListAsync();
    }
}
