using Foundation.Audit.Tests.Infrastructure;
using Foundation.Audit.Verification;
using Foundation.Audit.Writing;
using Foundation.Auditing;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Audit.Tests.Verification;

/// <summary>The classification paths that query while verifying, on PostgreSQL (one command per connection at a time).</summary>
public sealed class PostgresTamperTests(PostgresAuditDatabase database) : IClassFixture<PostgresAuditDatabase>
{
    [Theory]
    [InlineData("UPDATE audit_events SET target_id = 'u-x' WHERE tenant_id = @p0 AND seq = 4", AuditBreakKind.Modified, 4)]
    [InlineData("DELETE FROM audit_events WHERE tenant_id = @p0 AND seq = 4", AuditBreakKind.Deleted, 4)]
    [InlineData("DELETE FROM audit_events WHERE tenant_id = @p0 AND seq > 7", AuditBreakKind.Truncated, 8)]
    [InlineData("UPDATE audit_events SET seq = -3 WHERE tenant_id = @p0 AND seq = 3; UPDATE audit_events SET seq = 3 WHERE tenant_id = @p0 AND seq = 4; UPDATE audit_events SET seq = 4 WHERE tenant_id = @p0 AND seq = -3", AuditBreakKind.Reordered, 3)]
    public async Task Tampering_is_named_on_postgres(string sql, AuditBreakKind kind, long seq)
    {
        var tenant = AuditTestDatabase.NewTenant();
        await using var services = database.BuildServices(o => o.Checkpoints.EveryEvents = 5);
        await AuditTestDatabase.StartAsync(services);
        var writer = services.GetRequiredService<IAuditEventWriter>();
        for (var i = 0; i < 10; i++)
        {
            await writer.WriteAsync(AuditTestDatabase.Event(tenant));
        }

        await services.GetRequiredService<DurableAuditEventWriter>().FlushAsync();
        await AuditTestDatabase.StopAsync(services);
        await using (var db = database.CreateContext())
        {
            await DbQuery.RowsAsync(db, sql, tenant);
        }

        using var scope = services.CreateScope();
        var broken = (await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(tenant)).Break.ShouldNotBeNull();
        broken.Kind.ShouldBe(kind);
        broken.Seq.ShouldBe(seq);
    }
}
