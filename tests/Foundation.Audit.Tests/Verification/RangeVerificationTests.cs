using Foundation.Audit.Chain;
using Foundation.Audit.Storage;
using Foundation.Audit.Tests.Infrastructure;
using Foundation.Audit.Verification;
using Foundation.Audit.Writing;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Audit.Tests.Verification;

/// <summary>
/// The verifier resolved from the container checks the ranges between signed checkpoints in parallel (40 events, a checkpoint every 10:
/// at least two ranges whatever the core count). Whatever it finds must be what one sequential walk from the start finds: the first break,
/// how it broke, and how much was verified before it.
/// </summary>
public abstract class RangeVerificationTests<TDatabase>(TDatabase database) : IClassFixture<TDatabase>
    where TDatabase : AuditTestDatabase
{
    private const int Events = 40;

    [Fact]
    public async Task An_intact_chain_verifies_in_ranges_exactly_as_in_one_walk()
    {
        var (services, tenant) = await ChainAsync();
        await using (services)
        {
            var (ranged, walked) = await BothAsync(services, tenant);
            ranged.IsValid.ShouldBeTrue(ranged.Break?.Message);
            ranged.EventsVerified.ShouldBe(Events);
            ranged.CheckpointsVerified.ShouldBe(Events / 10);
            ranged.ShouldBe(walked);
        }
    }

    [Fact]
    public async Task A_break_in_a_later_range_while_the_first_is_intact_is_named_with_everything_before_it_verified()
    {
        var (services, tenant) = await ChainAsync();
        await using (services)
        {
            await TamperAsync("UPDATE audit_events SET target_id = 'u-x' WHERE tenant_id = @p0 AND seq = 35", tenant);
            var (ranged, walked) = await BothAsync(services, tenant);
            var broken = ranged.Break.ShouldNotBeNull();
            broken.Kind.ShouldBe(AuditBreakKind.Modified);
            broken.Seq.ShouldBe(35);
            ranged.EventsVerified.ShouldBe(34);
            ranged.CheckpointsVerified.ShouldBe(3);
            ranged.ShouldBe(walked);
        }
    }

    [Fact]
    public async Task Breaks_in_two_ranges_report_the_earlier_one()
    {
        var (services, tenant) = await ChainAsync();
        await using (services)
        {
            await TamperAsync("DELETE FROM audit_events WHERE tenant_id = @p0 AND seq = 36", tenant);
            await TamperAsync("UPDATE audit_events SET action = 'auth.logout' WHERE tenant_id = @p0 AND seq = 4", tenant);
            var (ranged, walked) = await BothAsync(services, tenant);
            var broken = ranged.Break.ShouldNotBeNull();
            broken.Kind.ShouldBe(AuditBreakKind.Modified);
            broken.Seq.ShouldBe(4);
            ranged.EventsVerified.ShouldBe(3);
            ranged.ShouldBe(walked);
        }
    }

    [Theory]
    [InlineData("DELETE FROM audit_events WHERE tenant_id = @p0 AND seq = 20", AuditBreakKind.Deleted, 20)]
    [InlineData("DELETE FROM audit_events WHERE tenant_id = @p0 AND seq = 21", AuditBreakKind.Deleted, 21)]
    [InlineData("UPDATE audit_events SET target_id = 'u-x' WHERE tenant_id = @p0 AND seq = 30", AuditBreakKind.Modified, 30)]
    [InlineData("DELETE FROM audit_events WHERE tenant_id = @p0 AND seq > 33", AuditBreakKind.Truncated, 34)]
    [InlineData("DELETE FROM audit_events WHERE tenant_id = @p0 AND seq > 20", AuditBreakKind.Truncated, 21)]
    public async Task A_break_at_or_beside_a_range_boundary_is_named_as_one_walk_names_it(string sql, AuditBreakKind kind, long seq)
    {
        var (services, tenant) = await ChainAsync();
        await using (services)
        {
            await TamperAsync(sql, tenant);
            var (ranged, walked) = await BothAsync(services, tenant);
            var broken = ranged.Break.ShouldNotBeNull();
            broken.Kind.ShouldBe(kind);
            broken.Seq.ShouldBe(seq);
            ranged.ShouldBe(walked);
        }
    }

    private async Task<(ServiceProvider Services, string Tenant)> ChainAsync()
    {
        var tenant = AuditTestDatabase.NewTenant();
        var services = database.BuildServices(o => o.Checkpoints.EveryEvents = 10);
        await AuditTestDatabase.StartAsync(services);
        var writer = services.GetRequiredService<Foundation.Auditing.IAuditEventWriter>();
        for (var i = 0; i < Events; i++)
        {
            await writer.WriteAsync(AuditTestDatabase.Event(tenant, user: "u-" + (i % 3)));
        }

        await services.GetRequiredService<DurableAuditEventWriter>().FlushAsync();
        await AuditTestDatabase.StopAsync(services);
        return (services, tenant);
    }

    private async Task TamperAsync(string sql, string tenant)
    {
        await using var db = database.CreateContext();
        await DbQuery.RowsAsync(db, sql, tenant);
    }

    /// <summary>The container's (parallel ranges) verifier and a sequential one over the same database.</summary>
    private static async Task<(AuditVerificationResult Ranged, AuditVerificationResult Walked)> BothAsync(ServiceProvider services, string tenant)
    {
        using var scope = services.CreateScope();
        var ranged = await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(tenant);
        using var other = services.CreateScope();
        var walked = await new AuditVerifier(other.ServiceProvider.GetRequiredService<AuditDbContext>(), other.ServiceProvider.GetRequiredService<AuditSigningKeyRing>())
            .VerifyAsync(tenant);
        return (ranged, walked);
    }
}

public sealed class SqliteRangeVerificationTests(SqliteAuditDatabase database) : RangeVerificationTests<SqliteAuditDatabase>(database);

public sealed class PostgresRangeVerificationTests(PostgresAuditDatabase database) : RangeVerificationTests<PostgresAuditDatabase>(database);
