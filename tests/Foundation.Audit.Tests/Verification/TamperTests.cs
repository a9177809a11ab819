using Foundation.Audit.Chain;
using Foundation.Audit.Storage;
using Foundation.Audit.Tests.Infrastructure;
using Foundation.Audit.Verification;
using Foundation.Audit.Writing;
using Foundation.Auditing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Audit.Tests.Verification;

/// <summary>
/// Tampering done to the SQLite file directly, as someone with access to the database (not the application) would: verify names the first
/// broken event and how it broke.
/// </summary>
public sealed class TamperTests(SqliteAuditDatabase database) : IClassFixture<SqliteAuditDatabase>, IAsyncLifetime
{
    private const int Events = 30;
    private readonly string _tenant = AuditTestDatabase.NewTenant();
    private ServiceProvider _services = null!;
    private List<AuditEventEntity> _rows = null!;

    public async Task InitializeAsync()
    {
        _services = database.BuildServices(o => o.Checkpoints.EveryEvents = 10);
        await AuditTestDatabase.StartAsync(_services);
        var writer = _services.GetRequiredService<IAuditEventWriter>();
        for (var i = 0; i < Events; i++)
        {
            await writer.WriteAsync(AuditTestDatabase.Event(_tenant, i % 3 == 0 ? "auth.login.failed" : "auth.login", i % 3 == 0 ? AuditOutcome.Failure : AuditOutcome.Success));
        }

        await _services.GetRequiredService<DurableAuditEventWriter>().FlushAsync();
        await AuditTestDatabase.StopAsync(_services);
        await using var db = database.CreateContext();
        _rows = await db.Events.AsNoTracking().Where(e => e.TenantId == _tenant).OrderBy(e => e.Seq).ToListAsync();
        _rows.Count.ShouldBe(Events);
        (await VerifyAsync()).IsValid.ShouldBeTrue();
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task An_edited_row_is_named_modified()
    {
        (await database.TamperAsync($"UPDATE audit_events SET action = 'auth.login' WHERE tenant_id = '{_tenant}' AND seq = 7")).ShouldBe(1);
        var broken = (await VerifyAsync()).Break.ShouldNotBeNull();
        broken.Kind.ShouldBe(AuditBreakKind.Modified);
        broken.Seq.ShouldBe(7);
        broken.EventId.ShouldBe(_rows[6].Id);
    }

    [Fact]
    public async Task An_edited_row_whose_hash_was_recomputed_is_named_modified()
    {
        var forged = _rows[7];
        forged.ClientIp = "198.51.100.1";
        var hash = AuditCanonicalForm.EventHash(forged);
        (await database.TamperAsync($"UPDATE audit_events SET client_ip = '198.51.100.1', hash = '{hash}' WHERE tenant_id = '{_tenant}' AND seq = 8")).ShouldBe(1);
        var broken = (await VerifyAsync()).Break.ShouldNotBeNull();
        broken.Kind.ShouldBe(AuditBreakKind.Modified);
        broken.Seq.ShouldBe(8);
        broken.EventId.ShouldBe(_rows[7].Id);
    }

    [Fact]
    public async Task A_deleted_row_is_named_deleted()
    {
        (await database.TamperAsync($"DELETE FROM audit_events WHERE tenant_id = '{_tenant}' AND seq = 12")).ShouldBe(1);
        var broken = (await VerifyAsync()).Break.ShouldNotBeNull();
        broken.Kind.ShouldBe(AuditBreakKind.Deleted);
        broken.Seq.ShouldBe(12);
        broken.EventId.ShouldBe(_rows[12].Id); // the event after the gap
    }

    [Fact]
    public async Task A_truncated_tail_is_named_truncated_even_when_the_head_is_rewound()
    {
        (await database.TamperAsync($"DELETE FROM audit_events WHERE tenant_id = '{_tenant}' AND seq > 25")).ShouldBe(5);
        var broken = (await VerifyAsync()).Break.ShouldNotBeNull();
        broken.Kind.ShouldBe(AuditBreakKind.Truncated);
        broken.Seq.ShouldBe(26);

        // The head is not signed; the checkpoint at #30 is: rewinding the head does not hide the cut.
        await database.TamperAsync($"UPDATE audit_chain_heads SET last_seq = 25, last_hash = '{_rows[24].Hash}' WHERE tenant_id = '{_tenant}'");
        var again = (await VerifyAsync()).Break.ShouldNotBeNull();
        again.Kind.ShouldBe(AuditBreakKind.Truncated);
        again.Seq.ShouldBe(26);
        again.Message.ShouldContain("#30");
    }

    [Fact]
    public async Task A_truncated_tail_after_the_last_checkpoint_is_caught_by_the_head()
    {
        // Append two more (after the checkpoint at #30), then cut them.
        await using (var services = database.BuildServices(o => o.Checkpoints.EveryEvents = 10))
        {
            await AuditTestDatabase.StartAsync(services);
            var writer = services.GetRequiredService<IAuditEventWriter>();
            await writer.WriteAsync(AuditTestDatabase.Event(_tenant));
            await writer.WriteAsync(AuditTestDatabase.Event(_tenant));
            await AuditTestDatabase.StopAsync(services);
        }

        (await database.TamperAsync($"DELETE FROM audit_events WHERE tenant_id = '{_tenant}' AND seq = 32")).ShouldBe(1);
        var broken = (await VerifyAsync()).Break.ShouldNotBeNull();
        broken.Kind.ShouldBe(AuditBreakKind.Truncated);
        broken.Seq.ShouldBe(32);
    }

    [Fact]
    public async Task A_row_slipped_into_the_middle_is_named_inserted()
    {
        // Make room at #15 (two steps: the unique index on (tenant, seq) is checked row by row), then insert a well-formed forgery there.
        await database.TamperAsync($"UPDATE audit_events SET seq = -(seq + 1) WHERE tenant_id = '{_tenant}' AND seq >= 15");
        await database.TamperAsync($"UPDATE audit_events SET seq = -seq WHERE tenant_id = '{_tenant}' AND seq < 0");
        var forged = new AuditEventEntity
        {
            Id = Guid.CreateVersion7(), TenantId = _tenant, Seq = 15, OccurredAt = _rows[14].OccurredAt, ActorType = "user", ActorUserId = "u-evil",
            Action = "auth.login", Outcome = "success", Severity = "information", PrevHash = _rows[13].Hash,
        };
        forged.Hash = AuditCanonicalForm.EventHash(forged);
        await using (var db = database.CreateContext())
        {
            db.Events.Add(forged);
            await db.SaveChangesAsync();
        }

        var broken = (await VerifyAsync()).Break.ShouldNotBeNull();
        broken.Kind.ShouldBe(AuditBreakKind.Inserted);
        broken.Seq.ShouldBe(15);
        broken.EventId.ShouldBe(forged.Id);
    }

    [Fact]
    public async Task Two_swapped_rows_are_named_reordered()
    {
        await database.TamperAsync($"UPDATE audit_events SET seq = -5 WHERE tenant_id = '{_tenant}' AND seq = 5");
        await database.TamperAsync($"UPDATE audit_events SET seq = 5 WHERE tenant_id = '{_tenant}' AND seq = 6");
        await database.TamperAsync($"UPDATE audit_events SET seq = 6 WHERE tenant_id = '{_tenant}' AND seq = -5");
        var broken = (await VerifyAsync()).Break.ShouldNotBeNull();
        broken.Kind.ShouldBe(AuditBreakKind.Reordered);
        broken.Seq.ShouldBe(5);
        broken.EventId.ShouldBe(_rows[5].Id); // the event appended sixth now sits fifth
    }

    [Fact]
    public async Task An_altered_checkpoint_is_refused()
    {
        (await database.TamperAsync($"UPDATE audit_checkpoints SET hash = '{_rows[18].Hash}' WHERE tenant_id = '{_tenant}' AND seq = 20")).ShouldBe(1);
        var broken = (await VerifyAsync()).Break.ShouldNotBeNull();
        broken.Kind.ShouldBe(AuditBreakKind.CheckpointInvalid);
        broken.Seq.ShouldBe(20);
    }

    [Fact]
    public async Task A_rewritten_chain_is_caught_by_its_signed_checkpoint()
    {
        // Rewrite every event from #3 on with recomputed hashes and links: self-consistent, but the checkpoint at #10 disagrees.
        await using (var db = database.CreateContext())
        {
            var rows = await db.Events.Where(e => e.TenantId == _tenant).OrderBy(e => e.Seq).ToListAsync();
            var prev = rows[1].Hash;
            foreach (var row in rows.Skip(2))
            {
                if (row.Seq == 3)
                {
                    row.ActorUserId = "u-someone-else";
                }

                row.PrevHash = prev;
                row.Hash = AuditCanonicalForm.EventHash(row);
                prev = row.Hash;
            }

            await db.SaveChangesAsync();
        }

        var broken = (await VerifyAsync()).Break.ShouldNotBeNull();
        broken.Kind.ShouldBe(AuditBreakKind.Modified);
        broken.Seq.ShouldBe(10);
        broken.Message.ShouldContain("checkpoint");
    }

    private async Task<AuditVerificationResult> VerifyAsync()
    {
        using var scope = _services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(_tenant);
    }
}
